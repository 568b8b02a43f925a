using Imguard.Learning.Data;
using Imguard.Learning.Nn;
using Imguard.Learning.Privacy;
using Imguard.Mpc.Randomness;
using StbImageSharp;
using Xunit.Abstractions;

namespace Imguard.Learning.Tests.Privacy;

public sealed class PrivacyReportTests(ITestOutputHelper output)
{
    private static PrivacyReportOptions Fixed(int count = 8) =>
        new(count) { ModelSeed = new Seed(21, 1), HidingSeed = new Seed(22, 2) };

    [Fact]
    public async Task Synthetic_shapes_show_exact_raw_recovery_noise_under_instahide_and_the_abs_leak()
    {
        var result = await PrivacyReport.RunAsync(SyntheticShapes.Generate(200), Fixed());
        output.WriteLine(result.ToTable());
        AssertExpectedOrdering(result);
    }

    [Fact]
    public async Task Fashion_mnist_shows_the_same_ordering()
    {
        if (!FashionMnist.IsInstalled())
        {
            // Not a failure: the data are optional on a build machine.
            output.WriteLine($"Fashion-MNIST not found in {FashionMnist.DefaultDirectory}; install '{FashionMnist.DebianPackage}' to run this check. Passing without it.");
            return;
        }

        var result = await PrivacyReport.RunAsync(FashionMnist.LoadTest(), Fixed());
        output.WriteLine(result.ToTable());
        AssertExpectedOrdering(result);
    }

    [Fact]
    public async Task The_result_has_the_four_rows_a_table_and_a_png_grid()
    {
        var result = await PrivacyReport.RunAsync(SyntheticShapes.Generate(50), Fixed(count: 3));

        Assert.Equal(["raw", "mixup", "instahide", "instahide_abs"], result.Rows.Select(r => r.Name));
        Assert.All(result.Rows, r => Assert.Equal(3, r.Recovered.Count));
        Assert.Same(result.Originals, result.Row("instahide").References);
        Assert.True(result.Row("instahide_abs").AbsoluteValue);
        string table = result.ToTable();
        Assert.All(result.Rows, r => Assert.Contains(r.Description, table, StringComparison.Ordinal));

        const int scale = 2;
        var png = ImageResult.FromMemory(result.ToPng(scale), ColorComponents.Grey);
        int gutter = Math.Max(2, scale);
        Assert.Equal(6 * (28 * scale + gutter) + gutter, png.Width); // original, 4 recoveries, |original|
        Assert.Equal(3 * (28 * scale + gutter) + gutter, png.Height);
        // Top-left cell is the first original, scaled up.
        Assert.Equal((byte)Math.Round(result.Originals[0][0] * 255), png.Data[gutter * png.Width + gutter]);
    }

    [Fact]
    public async Task Invalid_settings_are_rejected()
    {
        var images = SyntheticShapes.Generate(4);
        Assert.Throws<ArgumentException>(() => new PrivacyReportOptions(0));
        Assert.Throws<ArgumentException>(() => new PrivacyReportOptions(8, k: 0));
        await Assert.ThrowsAsync<ArgumentException>(() => PrivacyReport.RunAsync(images, Fixed(count: 5)));
        await Assert.ThrowsAsync<ArgumentException>(() => PrivacyReport.RunAsync(images, Fixed(count: 2) with { Model = ModelSpec.Cnn }));
        await Assert.ThrowsAsync<ArgumentException>(() => PrivacyReport.RunAsync(images, Fixed(count: 2) with { Model = ModelSpec.Mlp with { Input = [1, 16, 16] } }));
    }

    [Fact]
    public async Task A_model_that_takes_the_absolute_value_first_is_scored_against_the_absolute_original()
    {
        // The InstaHide presets start with |x|: the first linear layer sees |x̃|, which is all the attack recovers.
        var images = SyntheticShapes.Generate(60);
        ModelSpec mlp = PrivacyReport.MlpFor(images);
        var result = await PrivacyReport.RunAsync(images, Fixed(count: 3) with { Model = mlp with { Layers = [new LayerSpec("abs"), .. mlp.Layers] } });
        output.WriteLine(result.ToTable());

        Assert.Equal(["raw", "mixup", "instahide"], result.Rows.Select(r => r.Name));
        Assert.All(result.Rows, r => Assert.True(r.AbsoluteValue));
        // Raw training still hands the attacker |x| exactly (the synthetic images are non-negative after the map back).
        Assert.All(result.Row("raw").Psnr, psnr => Assert.True(psnr > 100, $"raw |x| PSNR {psnr} dB"));
        Assert.True(result.Row("mixup").MeanPsnr < 100);

        var png = ImageResult.FromMemory(result.ToPng(1), ColorComponents.Grey);
        Assert.Equal(5 * (28 + 2) + 2, png.Width); // original, three recoveries, |original| once
        Assert.Contains("|original|", result.Layout, StringComparison.Ordinal);
        Assert.DoesNotContain("instahide_abs", result.Layout, StringComparison.Ordinal);
    }

    /// <summary>The expectations: raw exact, InstaHide at noise level, mixup between, |x| far better than InstaHide.</summary>
    private static void AssertExpectedOrdering(PrivacyReportResult result)
    {
        var raw = result.Row("raw");
        var mixup = result.Row("mixup");
        var instaHide = result.Row("instahide");
        var absolute = result.Row("instahide_abs");

        Assert.All(raw.Psnr, psnr => Assert.True(psnr > 100, $"raw PSNR {psnr} dB"));
        Assert.All(raw.Ssim, ssim => Assert.Equal(1.0, ssim, 9));

        Assert.True(instaHide.MeanPsnr < 15, $"InstaHide PSNR {instaHide.MeanPsnr} dB");
        Assert.True(instaHide.MeanSsim < 0.2, $"InstaHide SSIM {instaHide.MeanSsim}");

        Assert.InRange(mixup.MeanPsnr, instaHide.MeanPsnr, 100);
        Assert.InRange(mixup.MeanSsim, instaHide.MeanSsim, raw.MeanSsim);
        Assert.True(mixup.MeanPsnr > instaHide.MeanPsnr + 1, $"mixup {mixup.MeanPsnr} dB vs InstaHide {instaHide.MeanPsnr} dB");

        Assert.True(absolute.MeanPsnr > instaHide.MeanPsnr + 3, $"|x| {absolute.MeanPsnr} dB vs InstaHide {instaHide.MeanPsnr} dB");
        Assert.True(absolute.MeanSsim > instaHide.MeanSsim + 0.15, $"|x| SSIM {absolute.MeanSsim} vs InstaHide {instaHide.MeanSsim}");
        Assert.True(absolute.MeanSsim > 3 * instaHide.MeanSsim, $"|x| SSIM {absolute.MeanSsim} vs InstaHide {instaHide.MeanSsim}");
    }
}
