using System.Text.Json;
using Imguard.Client.Datasets;
using Imguard.Client.Platform;
using Imguard.Contracts.Files;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Data;
using Imguard.Learning.Nn;
using Imguard.Learning.Privacy;
using Imguard.Mpc.Randomness;

namespace Imguard.Cli.Privacy;

/// <summary>
/// <c>imguard privacy-report --job ID --images DIR</c> (issue 17, item 9): the gradient-inversion attack of the privacy
/// report on the owner's OWN images, with that job's exact model and hiding settings (k, coefficient bound), on the
/// owner's machine. Only the job's view is fetched from the platform; no image, result or picture is sent anywhere, and
/// the picture (it shows the owner's images) is written readable by the owner alone.
/// </summary>
internal static class OwnImagesPrivacyReport
{
    /// <summary>
    /// The owner's own images attacked with a job's model and hiding settings. Standardised as the job trains: with the
    /// union's statistics the parties opened (a job standardised over the union), else with statistics fitted on these
    /// images (what the owner's client does when it shares).
    /// </summary>
    public static async Task<int> RunAsync(PlatformApi api, string jobId, string folder, int count, string output, ulong? seedModel, TextWriter stdout, TextWriter stderr,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        JobView job = await api.GetJobAsync(jobId, ct);
        async Task<int> Refuse(string message)
        {
            await stderr.WriteLineAsync(message);
            return 2;
        }

        if (job.ModelFromJobId is not null)
        {
            return await Refuse($"Job {jobId} is an inference job: it trains nothing. Run the report for the job that trained the model ({job.ModelFromJobId}).");
        }
        ModelSpec spec = ModelSpec.Parse(job.Model.GetRawText());
        spec.InferShapes();
        JobTrainingOptions training = JsonSerializer.Deserialize<JobTrainingOptions>(job.Training.GetRawText(), JsonSerializerOptions.Web) ?? new JobTrainingOptions();
        LabeledImages loaded = new DatasetSource { ImageFolder = folder }.Load(spec.Input[0], spec.Input[1], spec.Input[2], stderr);
        if (loaded.ClassCount > spec.Classes)
        {
            return await Refuse($"'{folder}' has {loaded.ClassCount} class folders; the job's model has {spec.Classes} classes.");
        }
        // The attack needs the model's class count; an owner's folder may hold only some of the classes.
        var images = new LabeledImages(loaded.Pixels, loaded.Labels, loaded.Channels, loaded.Height, loaded.Width,
            [.. loaded.ClassNames, .. Enumerable.Range(loaded.ClassCount, spec.Classes - loaded.ClassCount).Select(i => $"class {i}")]);
        Standardization standardization = job.Standardization?.Statistics is { } union
            ? new Standardization([.. union.Mean], [.. union.Std])
            : Standardization.Fit(images);
        PrivacyReportResult result;
        try
        {
            var options = new PrivacyReportOptions(Math.Min(count, images.Count), training.K, training.UpperBound)
            {
                Model = spec,
                ModelSeed = seedModel is { } s ? new Seed(s, 0) : null,
            };
            result = await PrivacyReport.RunAsync(images, options, standardization, ct);
        }
        catch (ArgumentException e)
        {
            return await Refuse($"The attack does not apply to job {jobId}: {e.Message}");
        }
        string path = Path.GetFullPath(output);
        OwnerOnly.WriteAllBytes(path, result.ToPng()); // the picture shows the owner's own images
        string row = training.Hiding switch { HidingModes.Mixup => "mixup", HidingModes.InstaHide => "instahide", _ => "raw" };
        stdout.Write(result.ToTable());
        stdout.WriteLine();
        stdout.WriteLine($"Job {jobId} trains with hiding '{training.Hiding}' (k = {training.K}): its row is '{row}'. "
            + $"Standardised with {(job.Standardization?.Statistics is null ? "statistics fitted on these images" : "the union's statistics the job opened")}.");
        stdout.WriteLine($"PNG (your images; readable by you only): {path}");
        stdout.WriteLine($"     {result.Layout}.");
        stdout.WriteLine("Nothing of these images or results left this machine.");
        stdout.WriteLine();
        stdout.WriteLine($"Warning: {PrivacyReport.InstaHideWarning}");
        return 0;
    }

}
