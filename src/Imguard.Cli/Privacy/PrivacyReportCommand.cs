using System.CommandLine;
using Imguard.Cli.Client;
using Imguard.Client.Platform;
using Imguard.Learning.Data;
using Imguard.Learning.Privacy;
using Imguard.Mpc.Randomness;

namespace Imguard.Cli.Privacy;

/// <summary>
/// <c>imguard privacy-report</c>: the seed documents' "DLG test". Inverts the first linear layer from the gradient of one
/// training example under plain training, mixup and InstaHide, prints PSNR/SSIM against the originals, writes the
/// recoveries side by side as a PNG, and warns that InstaHide's mask is removable (<see cref="PrivacyReport.InstaHideWarning"/>).
/// </summary>
/// <remarks>
/// The PNG shows the attacked training images themselves: run it on public data (Fashion-MNIST, synthetic), or — with
/// <c>--job ID --images DIR</c> — on the owner's own images for that job's exact model and hiding settings, on the
/// owner's machine only (the job's settings are fetched from the platform; no image, result or picture is sent
/// anywhere, and the picture is written readable by the owner alone).
/// </remarks>
internal static class PrivacyReportCommand
{
    private const string FashionMnistData = "fashion-mnist";
    private const string SyntheticData = "synthetic";

    /// <summary>Size of the synthetic pool the mixing partners are drawn from (Fashion-MNIST uses all 60,000 training images).</summary>
    private const int SyntheticPool = 1_000;

    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Training images to attack (the first N of the dataset; partners come from all of it).", DefaultValueFactory = _ => PrivacyReportOptions.DefaultCount };
        var k = new Option<int>("--k") { Description = "Images mixed per encoding for mixup and InstaHide.", DefaultValueFactory = _ => Learning.Hiding.InstaHideOptions.DefaultK };
        var data = new Option<string>("--data")
        {
            Description = $"'{FashionMnistData}' (the training set in {FashionMnist.DefaultDirectory}) or '{SyntheticData}' ({SyntheticPool} deterministic 28×28 shapes).",
            DefaultValueFactory = _ => FashionMnistData,
        };
        data.AcceptOnlyFromAmong(FashionMnistData, SyntheticData);
        var output = new Option<string>("--out") { Description = "Where to write the PNG of originals and recoveries.", DefaultValueFactory = _ => "privacy-report.png" };
        var json = new Option<bool>("--json") { Description = "One JSON object per line: {\"name\",\"value\",\"unit\"}; the warning goes to standard error." };
        var seedModel = new Option<ulong?>("--seed-model") { Description = "Seed of the attacked model's initial weights (default: fresh from the OS CSPRNG). The hiding plans are always fresh." };
        var job = new Option<string?>("--job") { Description = "Attack with this job's model and hiding settings (k, coefficient bound), fetched from the platform; needs --images." };
        var images = new Option<string?>("--images") { Description = "With --job: your own images, a folder with one sub-folder per class (they never leave this machine)." };
        Option<string?> profile = ProfileOptions.Create();
        var command = new Command(
            "privacy-report",
            "Gradient-inversion privacy report: how much of a training image the plaintext gradient of one example leaks under plain training, mixup and InstaHide (PSNR/SSIM and a PNG).")
        {
            count, k, data, output, json, seedModel, job, images, profile,
        };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(job) is { } jobId)
            {
                return parse.GetValue(images) is { } folder
                    ? RunForJobAsync(parse, profile, jobId, folder, parse.GetValue(count), parse.GetValue(output)!, parse.GetValue(seedModel), ct)
                    : Refuse("--job attacks your own images with the job's settings: name them with --images DIR (one sub-folder per class).");
            }
            if (parse.GetValue(images) is not null)
            {
                return Refuse("--images is for --job ID (your own images with a job's settings); without a job use --data.");
            }
            return RunAsync(parse.GetValue(count), parse.GetValue(k), parse.GetValue(data)!, parse.GetValue(output)!, parse.GetValue(json), parse.GetValue(seedModel), ct);
        });
        return command;
    }

    private static async Task<int> Refuse(string message)
    {
        await Console.Error.WriteLineAsync(message);
        return 2;
    }

    private static async Task<int> RunForJobAsync(ParseResult parse, Option<string?> profile, string jobId, string folder, int count, string output, ulong? seedModel,
        CancellationToken ct)
    {
        using PlatformApi api = ProfileOptions.Connect(parse, profile);
        return await OwnImagesPrivacyReport.RunAsync(api, jobId, folder, count, output, seedModel, Console.Out, Console.Error, ct);
    }

    private static async Task<int> RunAsync(int count, int k, string data, string output, bool json, ulong? seedModel, CancellationToken ct)
    {
        PrivacyReportOptions options;
        try
        {
            options = new PrivacyReportOptions(count, k) { ModelSeed = seedModel is { } s ? new Seed(s, 0) : null };
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        LabeledImages images;
        if (data == SyntheticData)
        {
            images = SyntheticShapes.Generate(SyntheticPool);
        }
        else if (FashionMnist.IsInstalled())
        {
            images = FashionMnist.LoadTrain();
        }
        else
        {
            await Console.Error.WriteLineAsync(
                $"Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (Debian package '{FashionMnist.DebianPackage}': apt-get install {FashionMnist.DebianPackage}). " +
                $"Run with --data {SyntheticData} to use deterministic synthetic shapes instead.");
            return 1;
        }

        if (options.Count > images.Count)
        {
            await Console.Error.WriteLineAsync($"--count {options.Count} exceeds the {images.Count} images of the dataset.");
            return 1;
        }

        var result = await PrivacyReport.RunAsync(images, options, standardization: null, ct);
        string path = Path.GetFullPath(output);
        await File.WriteAllBytesAsync(path, result.ToPng(), ct);

        if (json)
        {
            foreach (var figure in Figures(result))
            {
                Console.WriteLine(figure.ToJson());
            }
            await Console.Error.WriteLineAsync($"PNG: {path} ({PrivacyReportResult.PngLayout})");
            await Console.Error.WriteLineAsync($"Warning: {PrivacyReport.InstaHideWarning}");
        }
        else
        {
            Console.Write(result.ToTable());
            Console.WriteLine();
            Console.WriteLine($"PNG: {path}");
            Console.WriteLine($"     {PrivacyReportResult.PngLayout}.");
            Console.WriteLine();
            Console.WriteLine($"Warning: {PrivacyReport.InstaHideWarning}");
        }
        return 0;
    }

    private static IEnumerable<PrivacyFigure> Figures(PrivacyReportResult result)
    {
        yield return new PrivacyFigure("privacy.images", result.Count, "images");
        yield return new PrivacyFigure("privacy.k", result.K, "images");
        foreach (var row in result.Rows)
        {
            yield return new PrivacyFigure($"privacy.{row.Name}.psnr", Math.Round(row.MeanPsnr, 2), "dB");
            yield return new PrivacyFigure($"privacy.{row.Name}.ssim", Math.Round(row.MeanSsim, 4), "1");
        }
    }
}
