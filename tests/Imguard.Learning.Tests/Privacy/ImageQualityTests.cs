using Imguard.Learning.Privacy;

namespace Imguard.Learning.Tests.Privacy;

public sealed class ImageQualityTests
{
    private const int Side = 28;

    [Fact]
    public void Identical_images_have_infinite_psnr_and_ssim_one()
    {
        double[] x = PrivacyTestImages.Structured(Side, 1);
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(x, x));
        Assert.Equal(1.0, ImageQuality.Ssim(x, x, Side, Side), 12);
    }

    [Theory]
    [InlineData(0.1, 20.0)]
    [InlineData(0.05, 26.020599913279625)] // −20·log10(0.05)
    [InlineData(0.01, 40.0)]
    public void A_constant_offset_gives_the_analytic_psnr(double offset, double expectedDb)
    {
        // MSE = offset², so PSNR = 10·log10(1/offset²) = −20·log10(offset), whatever the image.
        var rng = new Random(3);
        double[] x = Enumerable.Range(0, Side * Side).Select(_ => rng.NextDouble() * 0.8).ToArray();
        double[] y = x.Select(v => v + offset).ToArray();
        Assert.Equal(expectedDb, ImageQuality.Psnr(x, y), 9);
        Assert.Equal(expectedDb, ImageQuality.Psnr(y, x), 9);
    }

    [Theory]
    [InlineData(0.2, 0.5)]
    [InlineData(0.0, 1.0)]
    [InlineData(0.7, 0.7)]
    public void Ssim_of_two_constant_images_is_the_luminance_term(double a, double b)
    {
        // No variance in any window: SSIM = (2ab + C1)(0 + C2) / ((a² + b² + C1)(0 + C2)), C1 = (0.01·1)².
        const double c1 = 0.0001;
        double[] x = Enumerable.Repeat(a, Side * Side).ToArray();
        double[] y = Enumerable.Repeat(b, Side * Side).ToArray();
        Assert.Equal((2 * a * b + c1) / (a * a + b * b + c1), ImageQuality.Ssim(x, y, Side, Side), 12);
    }

    [Fact]
    public void Ssim_against_the_negation_or_noise_is_low()
    {
        double[] x = PrivacyTestImages.Structured(Side, 2);
        double[] negation = x.Select(v => 1 - v).ToArray();
        var rng = new Random(4);
        double[] noise = x.Select(_ => rng.NextDouble()).ToArray();

        double ssimNegation = ImageQuality.Ssim(x, negation, Side, Side);
        double ssimNoise = ImageQuality.Ssim(x, noise, Side, Side);
        Assert.True(ssimNegation < 0, $"SSIM(x, 1 − x) = {ssimNegation}: the structure term is anti-correlated");
        Assert.InRange(ssimNoise, -0.1, 0.1);
        Assert.Equal(ssimNoise, ImageQuality.Ssim(noise, x, Side, Side), 12); // symmetric
    }

    [Fact]
    public void Ssim_falls_as_noise_grows()
    {
        double[] x = PrivacyTestImages.Structured(Side, 5);
        var rng = new Random(5);
        double[] unit = x.Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        double previous = 1.0;
        foreach (double amplitude in (double[])[0.02, 0.1, 0.3])
        {
            double[] y = x.Select((v, i) => Math.Clamp(v + amplitude * unit[i], 0, 1)).ToArray();
            double ssim = ImageQuality.Ssim(x, y, Side, Side);
            Assert.True(ssim < previous, $"noise {amplitude}: SSIM {ssim} not below {previous}");
            previous = ssim;
        }
    }

    [Fact]
    public void Invalid_inputs_are_rejected()
    {
        double[] x = new double[Side * Side];
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(x, new double[Side * Side - 1]));
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr([], []));
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(x, x.Select(_ => 1.5).ToArray()));
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(x, x.Select(_ => double.NaN).ToArray()));
        Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(x, x, Side, Side - 1));
        Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(new double[100], new double[100], 10, 10)); // smaller than the 11×11 window
    }
}
