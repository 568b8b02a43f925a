using System.Net;
using System.Text.Json;
using Imguard.Cli.Privacy;
using Imguard.Cli.Tests.Client;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Privacy;
using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using StbImageWriteSharp;

namespace Imguard.Cli.Tests.Privacy;

/// <summary>
/// The per-run privacy report in the CLI (issue 17, item 9): `imguard job report` prints the platform's report for the
/// job's settings with the job's row named; `imguard privacy-report --job ID --images DIR` attacks the owner's own
/// images with the job's model and k on this machine, asks the platform for nothing but the job, and writes a picture
/// only the owner can read.
/// </summary>
public sealed class JobPrivacyReportTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "imguard-own-privacy-" + Guid.NewGuid().ToString("N"));

    public JobPrivacyReportTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JobView Job(ModelSpec spec, string hiding, int k)
    {
        JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
        return new JobView("job-1", Guid.NewGuid(), "ds-1", null, Element(spec.ToJson()),
            Element(JsonSerializer.Serialize(new JobTrainingOptions { Hiding = hiding, K = k }, JsonSerializerOptions.Web)), JobState.Succeeded,
            Guid.NewGuid(), DateTimeOffset.UtcNow, null, null, 1, 10, 10, null, null, 1, false, null);
    }

    /// <summary>Three class folders of the synthetic shapes as PNG files: an owner's own images holding some of the ten classes.</summary>
    private string OwnImages()
    {
        LabeledImages shapes = SyntheticShapes.Generate(30);
        var writer = new ImageWriter();
        for (int i = 0; i < shapes.Count; i++)
        {
            int label = shapes.Labels[i] % 3;
            string dir = Path.Combine(_folder, "images", $"c{label}");
            Directory.CreateDirectory(dir);
            byte[] pixels = [.. shapes.Pixels.AsSpan(i * 784, 784).ToArray().Select(p => (byte)Math.Clamp(MathF.Round(p), 0, 255))];
            using var file = File.Create(Path.Combine(dir, $"{i}.png"));
            writer.WritePng(pixels, 28, 28, ColorComponents.Grey, file);
        }
        return Path.Combine(_folder, "images");
    }

    [Fact]
    public async Task The_owner_attacks_their_own_images_with_the_jobs_settings_and_only_the_job_is_asked_for()
    {
        using var platform = new FakePlatform();
        platform.On(HttpMethod.Get, "api/jobs/job-1", Job(ModelSpec.PresetFor("mlp", HidingMode.InstaHide), HidingModes.InstaHide, 2));
        using var api = platform.Client();
        string png = Path.Combine(_folder, "report.png");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await OwnImagesPrivacyReport.RunAsync(api, "job-1", OwnImages(), 3, png, seedModel: 7, stdout, stderr, CancellationToken.None);

        Assert.True(exit == 0, stderr.ToString());
        string text = stdout.ToString();
        Assert.Contains("k = 2): its row is 'instahide'", text, StringComparison.Ordinal);
        Assert.Contains("model takes |x| first", text, StringComparison.Ordinal);   // the preset's |x| layer is attacked as trained
        Assert.Contains("Nothing of these images or results left this machine.", text, StringComparison.Ordinal);
        Assert.Equal([(HttpMethod.Get, "api/jobs/job-1")], platform.Requests.Select(r => (r.Method, r.Path)));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(png));
        }
    }

    [Fact]
    public async Task A_model_the_attack_cannot_measure_is_refused_with_the_reason()
    {
        using var platform = new FakePlatform();
        platform.On(HttpMethod.Get, "api/jobs/job-1", Job(ModelSpec.Cnn, HidingModes.Mixup, 2));
        using var api = platform.Client();
        var stderr = new StringWriter();

        int exit = await OwnImagesPrivacyReport.RunAsync(api, "job-1", OwnImages(), 3, Path.Combine(_folder, "r.png"), null, new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("The attack does not apply to job job-1", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "r.png")));
    }

    [Fact]
    public void The_job_report_names_the_jobs_row_and_how_to_run_it_on_own_images()
    {
        var row = new PrivacyReportRowView("mixup", "mixup, k = 3", false, 12.34, [12.34], 0.31, [0.31]);
        var report = new JobPrivacyReportView("job-9", "mixup", 3, "mixup",
            new PrivacyReportView("this job's model and hiding settings (k = 3, …)", 1, 3, [row], "table\n", "InstaHide warning", "columns", "", DateTimeOffset.UtcNow));

        string text = JobReportCommand.Describe(report, "/tmp/x.png");

        Assert.Contains("its row is 'mixup' — mean PSNR 12.3 dB, mean SSIM 0.31", text, StringComparison.Ordinal);
        Assert.Contains("imguard privacy-report --job job-9 --images DIR", text, StringComparison.Ordinal);
        Assert.Contains("PNG: /tmp/x.png", text, StringComparison.Ordinal);
    }
}
