using Imguard.Learning.Nn;
using Imguard.Learning.Privacy;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Tests.Privacy;

public sealed class GradientInversionTests
{
    private const int Side = 16;
    private const double Mean = 0.3, Std = 0.35;

    private static readonly ModelSpec SmallMlp = new([1, Side, Side], 3,
    [
        new("flatten"), new("linear", Out: 32), new("relu"), new("linear", Out: 3),
    ]);

    private static Sequential<PlainTensor> Model(ModelSpec spec, ulong seed)
    {
        using var prg = new AesCtrPrg(new Seed(seed, 7));
        return ModelBuilder.Build(spec, ModelBuilder.InitialParameters(spec, prg));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_raw_example_is_recovered_exactly(int variant)
    {
        double[] pixels = PrivacyTestImages.Structured(Side, variant);
        double[] standardized = pixels.Select(p => (p - Mean) / Std).ToArray(); // what training feeds the model
        var model = Model(SmallMlp, (ulong)variant);
        var label = new PlainTensor([0, 1, 0], 1, 3);

        double[] recovered = await GradientInversion.RecoverInputAsync(model, new PlainTensor((double[])standardized.Clone(), 1, 1, Side, Side), label);

        double[] recoveredPixels = recovered.Select(z => Math.Clamp(z * Std + Mean, 0, 1)).ToArray();
        double psnr = ImageQuality.Psnr(pixels.Select(p => Math.Clamp(p, 0, 1)).ToArray(), recoveredPixels);
        Assert.True(psnr > 100, $"PSNR {psnr} dB");
        Assert.Equal(1.0, ImageQuality.Ssim(pixels, recoveredPixels, Side, Side), 9);
        for (int i = 0; i < standardized.Length; i++)
        {
            Assert.Equal(standardized[i], recovered[i], 1e-12);
        }
    }

    [Fact]
    public async Task Recovery_leaves_the_weights_unchanged()
    {
        var model = Model(SmallMlp, 11);
        var before = model.Parameters.Select(p => (double[])p.Value.Data.Clone()).ToArray();
        var input = new PlainTensor(PrivacyTestImages.Structured(Side, 4), 1, 1, Side, Side);
        await GradientInversion.RecoverInputAsync(model, input, new PlainTensor([0.25, 0.25, 0.5], 1, 3));
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], model.Parameters[i].Value.Data);
        }
    }

    [Fact]
    public void Invert_divides_by_the_largest_bias_gradient()
    {
        // in = 2, out = 3; ∂L/∂W row-major in×out; unit 1 has the largest |∂L/∂b|.
        var weightGradient = new PlainTensor([0.5, -8, 1, 0.25, 2, 3], 2, 3);
        var biasGradient = new PlainTensor([0.1, -4, 2], 3);
        Assert.Equal([2.0, -0.5], GradientInversion.Invert(weightGradient, biasGradient));
    }

    [Fact]
    public void Invert_rejects_a_zero_bias_gradient_and_mismatched_shapes()
    {
        Assert.Throws<InvalidOperationException>(() => GradientInversion.Invert(new PlainTensor(2, 3), new PlainTensor(3)));
        Assert.Throws<ArgumentException>(() => GradientInversion.Invert(new PlainTensor(2, 3), new PlainTensor(2)));
    }

    [Fact]
    public async Task Only_a_single_example_and_a_linear_first_layer_are_accepted()
    {
        var mlp = Model(SmallMlp, 12);
        var batchOfTwo = new PlainTensor(2, 1, Side, Side);
        await Assert.ThrowsAsync<ArgumentException>(async () => await GradientInversion.RecoverInputAsync(mlp, batchOfTwo, new PlainTensor(2, 3)));

        var cnn = Model(ModelSpec.Cnn, 13);
        var image = new PlainTensor(1, 1, 28, 28);
        await Assert.ThrowsAsync<ArgumentException>(async () => await GradientInversion.RecoverInputAsync(cnn, image, new PlainTensor(1, 10)));
    }
}
