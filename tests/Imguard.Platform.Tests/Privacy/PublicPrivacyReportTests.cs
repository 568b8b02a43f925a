using Imguard.Learning.Data;
using Imguard.Platform.Privacy;

namespace Imguard.Platform.Tests.Privacy;

/// <summary>
/// The public privacy report: unavailable (with the package to install) without the Fashion-MNIST test files; with them
/// (here deterministic synthetic shapes written as gzip IDX under the test set's file names) one computed report, cached:
/// the four attacks in order, the raw gradient giving the image back, a PNG of the images side by side.
/// </summary>
public sealed class PublicPrivacyReportTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "imguard-privacy-" + Guid.NewGuid().ToString("N"));

    public PublicPrivacyReportTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Without_the_public_test_set_there_is_no_report_and_the_message_names_the_package()
    {
        var report = new PublicPrivacyReport(_directory);

        Assert.Null(await report.GetAsync());
        Assert.Contains("apt-get install dataset-fashion-mnist", PublicPrivacyReport.UnavailableMessage(_directory), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_public_test_set_the_report_is_computed_once_and_served_from_memory()
    {
        WriteIdx(SyntheticShapes.Generate(60));
        var report = new PublicPrivacyReport(_directory);

        var first = await report.GetAsync();
        var second = await report.GetAsync();

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.Equal(PublicPrivacyReport.AttackedImages, first.Count);
        Assert.Equal(["raw", "mixup", "instahide", "instahide_abs"], first.Rows.Select(r => r.Name));
        var raw = first.Rows[0];
        Assert.All(raw.Psnr, p => Assert.True(p is null or > 40, $"raw recovery PSNR {p}")); // the gradient gives the image back
        Assert.True(raw.MeanSsim > 0.99);
        Assert.Equal(PublicPrivacyReport.AttackedImages, raw.Psnr.Count);
        Assert.True(first.Rows.Single(r => r.Name == "instahide_abs").AbsoluteValue);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(first.Png).Take(4));
        Assert.Contains("Carlini", first.Warning, StringComparison.Ordinal);
        Assert.Contains("public Fashion-MNIST test set", first.Data, StringComparison.Ordinal);
    }

    private void WriteIdx(LabeledImages images) => PublicTestSet.Write(_directory, images);
}
