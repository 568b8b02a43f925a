using Imguard.Learning.Data;

namespace Imguard.Learning.Tests.Data;

public sealed class StandardizationTests
{
    private const double Tolerance = 1e-6;

    // Two images of 2×1×2. Channel 0 over both images: 0, 255, 255, 255 → /255: 0, 1, 1, 1.
    // Channel 1: 51, 51, 102, 153 → /255: 0.2, 0.2, 0.4, 0.6.
    private static LabeledImages TwoImages() => new(
        [0, 255, 51, 51, 255, 255, 102, 153],
        [0, 1], 2, 1, 2, ["a", "b"]);

    [Fact]
    public void Fit_gives_hand_computed_mean_and_population_std()
    {
        var s = Standardization.Fit(TwoImages());
        // Channel 0: mean 3/4; variance (0.75² + 3·0.25²)/4 = 0.1875; std √0.1875 = √3/4.
        Assert.Equal(0.75, s.Mean[0], Tolerance);
        Assert.Equal(Math.Sqrt(3) / 4, s.Std[0], Tolerance);
        // Channel 1: mean 0.35; variance (0.15² + 0.15² + 0.05² + 0.25²)/4 = 0.0275.
        Assert.Equal(0.35, s.Mean[1], Tolerance);
        Assert.Equal(Math.Sqrt(0.0275), s.Std[1], Tolerance);
    }

    [Fact]
    public void Apply_gives_hand_computed_values_and_keeps_the_input()
    {
        var data = TwoImages();
        var standardized = Standardization.Fit(data).Apply(data);
        double s1 = Math.Sqrt(0.0275);
        double[] expected =
        [
            -Math.Sqrt(3), 1 / Math.Sqrt(3), -0.15 / s1, -0.15 / s1,
            1 / Math.Sqrt(3), 1 / Math.Sqrt(3), 0.05 / s1, 0.25 / s1,
        ];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], standardized.Pixels[i], 1e-5);
        }

        Assert.Equal(data.Labels, standardized.Labels);
        Assert.Equal(0f, data.Pixels[0]);
        Assert.Equal(255f, data.Pixels[1]);

        // Standardized data have mean 0 and std 1 per channel.
        var again = Standardization.Fit(new LabeledImages(
            standardized.Pixels.Select(v => (v * 255f)).ToArray(), standardized.Labels, 2, 1, 2, ["a", "b"]));
        Assert.Equal(0, again.Mean[0], 1e-6);
        Assert.Equal(1, again.Std[1], 1e-6);
    }

    [Fact]
    public void Apply_to_one_image_matches_the_dataset()
    {
        var data = TwoImages();
        var s = Standardization.Fit(data);
        float[] image = data.GetImage(1).ToArray();
        s.Apply(image);
        Assert.Equal(s.Apply(data).GetImage(1).ToArray(), image);
    }

    [Fact]
    public void Invalid_inputs_are_rejected()
    {
        var s = Standardization.Fit(TwoImages());
        Assert.Throws<ArgumentException>(() => s.Apply(new float[3]));
        Assert.Throws<ArgumentException>(() => s.Apply(new LabeledImages(new float[4], [0], 1, 2, 2, ["a"])));
        Assert.Throws<ArgumentException>(() => Standardization.Fit(new LabeledImages(new float[4], [0], 1, 2, 2, ["a"])));
        Assert.Throws<ArgumentException>(() => Standardization.Fit(new LabeledImages([], [], 1, 2, 2, ["a"])));
        Assert.Throws<ArgumentException>(() => new Standardization([0.5], [0.0]));
        Assert.Throws<ArgumentException>(() => new Standardization([0.5, 0.5], [1.0]));
        Assert.Throws<ArgumentException>(() => new Standardization([double.NaN], [1.0]));
    }
}
