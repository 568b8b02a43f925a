using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Imguard.Client.Consent;
using Imguard.Client.Datasets;
using Imguard.Client.Jobs;
using Imguard.Client.Models;
using Imguard.Client.Platform;
using Imguard.Client.Storage;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Files;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Learning.Data;
using Imguard.Learning.Training;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard infer</c>: secure inference of local images against a model that stays shared. The images are shared
/// here and each half goes to its party — standardised with the training set's statistics, or for a model trained over
/// the union raw (x/255, registered raw: the parties standardise them on shares with the statistics the model job
/// recorded) —; the parties apply their model shares by two-party computation; the prediction shares come back to this
/// machine only, where they are recombined. No server sees an image, a weight or a prediction.
/// </summary>
internal static class InferCommand
{
    public static Command Create()
    {
        Option<string?> profile = ProfileOptions.Create();
        var source = new DatasetSourceOptions();
        var job = new Option<string>("--model-job") { Description = "The succeeded training job whose model to apply.", Required = true };
        var standardization = new Option<string?>("--standardization")
        {
            Description = "The training set's .standardization.json (default: the one the owner folder keeps for the model's training set; " +
                "not used for a model trained over the union, whose job recorded its statistics).",
        };
        var work = new Option<string?>("--work")
        {
            Description = "Where the images' share files are written until both are uploaded (default: the owner folder's datasets).",
        };
        var output = new Option<string?>("--out") { Description = "Write the predictions as CSV (index,predicted,label)." };
        var command = new Command("infer", "Classify local images with a shared model by secure inference; only this machine learns the predictions.")
        {
            profile, job, standardization, work, output,
        };
        source.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            string modelJob = parse.GetValue(job)!;
            JobView trained = await api.GetJobAsync(modelJob, ct);
            ProjectView project = await api.GetProjectAsync(trained.ProjectId, ct);
            var owner = OwnerFolder.FromEnvironment();
            bool union = trained.Standardization?.Mode == JobStandardizationModes.Union;
            if (union && parse.GetValue(standardization) is not null)
            {
                throw new ArgumentException($"The model of {modelJob} was trained over the union: the parties standardise the images with the statistics its job " +
                    "recorded; leave out --standardization.");
            }
            Standardization? stats = union ? null : owner.LoadStatistics(trained.TrainDatasetId, parse.GetValue(standardization)).Standardization;
            LabeledImages raw = source.Read(parse).Load(project.Channels, project.Height, project.Width, Console.Error);
            using OwnerSigningKey key = ProfileOptions.SigningKey(parse, profile);
            DatasetUpload.Result uploaded = await new DatasetUpload(api).RunAsync(project.Id, $"inference with {modelJob}", DatasetPurpose.Test, raw,
                union ? PixelScaling.Raw : PixelScaling.Own, stats, parse.GetValue(work) ?? owner.DatasetsFolder, seedCompressParty0: true, progress: null,
                TimeSpan.FromMinutes(2), key.PublicKey, ct);
            Console.WriteLine(union
                ? $"images shared raw (x/255); the parties standardise them with the statistics job {modelJob} recorded" +
                  (trained.Standardization?.Statistics is { } opened ? $" (mean={ModelInputStatistics.Numbers(opened.Mean)} std={ModelInputStatistics.Numbers(opened.Std)})" : "")
                : $"images standardised with the statistics of training set {trained.TrainDatasetId}");
            // The images' shares are deleted once uploaded; what was written beside them (the scaling record, a copy of
            // the training set's statistics) is not needed.
            string folder = Path.Combine(parse.GetValue(work) ?? owner.DatasetsFolder, uploaded.Dataset.Id);
            File.Delete(DatasetScalingRecord.PathOf(folder, uploaded.Dataset.Id));
            if (uploaded.StandardizationPath is { } copy)
            {
                File.Delete(copy);
            }
            DeleteIfEmpty(folder);
            JobView inference = await api.CreateInferenceAsync(modelJob, uploaded.Dataset.Id, ct);
            Console.WriteLine($"{inference.Id}: applying the model of {modelJob} to {raw.Count} images by secure inference...");
            JobView done = await new JobFollower(api, Console.Out) { PollInterval = TimeSpan.FromMilliseconds(500) }.FollowAsync(inference.Id, _ => { }, ct);
            if (done.State != JobState.Succeeded)
            {
                Console.Error.WriteLine($"{done.Id} {done.State}: {done.FailureMessage}");
                return CommandErrors.Failed;
            }
            ModelDownloadView grants = await api.ModelGrantsAsync(inference.Id, ct);
            var predictions = new byte[2][];
            EvaluationResult result;
            try
            {
                // Both parties' prediction shares, in memory only: together they are the owner's predictions.
                await Task.WhenAll(grants.Downloads.Select(async grant =>
                {
                    using HttpClient party = api.PartyClient(grant);
                    predictions[grant.Party] = await new ModelDownloader(party, grant.Party, ModelRequestSigner.From(key)).FetchEvaluationAsync(inference.Id, grant.Grant, ct)
                        ?? throw new InvalidOperationException($"Party {grant.Party} has no predictions for {inference.Id}.");
                }));
                result = ModelReconstruction.ReconstructEvaluation(predictions[0], predictions[1]);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(predictions[0]);
                CryptographicOperations.ZeroMemory(predictions[1]);
            }
            Console.WriteLine($"predictions recombined here: accuracy against your labels {100.0 * result.Correct / result.Count:0.00}% ({result.Correct}/{result.Count})");
            for (int i = 0; i < Math.Min(10, result.Count); i++)
            {
                Console.WriteLine($"  image {i}: class {result.Predicted[i]} (label {raw.Labels[i]})");
            }
            if (parse.GetValue(output) is { } csv)
            {
                // The owner's predictions and labels: 0600, like the shares they came from.
                OwnerOnly.WriteAllText(csv, string.Join('\n', ["index,predicted,label", .. Enumerable.Range(0, result.Count)
                    .Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{result.Predicted[i]},{raw.Labels[i]}"))]) + "\n");
                Console.WriteLine($"predictions written to {csv}");
            }
            return 0;
        });
        return command;
    }

    private static void DeleteIfEmpty(string folder)
    {
        if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }
}
