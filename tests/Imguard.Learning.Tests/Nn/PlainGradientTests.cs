using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Pooling;

namespace Imguard.Learning.Tests.Nn;

/// <summary>
/// The plaintext engine is the reference for everything secure, so its backward passes are checked against central
/// finite differences of L = Σ y ⊙ r (r random), to 1e-6 relative.
/// </summary>
public sealed class PlainGradientTests
{
    [Fact]
    public Task Linear_gradients_match_finite_differences()
    {
        var rng = new Random(1);
        return CheckAsync(() => new Linear<PlainTensor>(SharedPlain.Random(rng, 1, 5, 3), SharedPlain.Random(rng, 1, 3)), SharedPlain.Random(rng, 2, 4, 5), rng);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    public Task Conv2d_gradients_match_finite_differences(int stride, int padding)
    {
        var rng = new Random(2 + stride);
        return CheckAsync(
            () => new Conv2d<PlainTensor>(SharedPlain.Random(rng, 1, 3, 2, 3, 3), SharedPlain.Random(rng, 1, 3), stride, padding),
            SharedPlain.Random(rng, 2, 2, 2, 6, 5), rng);
    }

    [Fact]
    public Task AvgPool2d_gradients_match_finite_differences()
    {
        var rng = new Random(4);
        return CheckAsync(() => new AvgPool2d<PlainTensor>(2), SharedPlain.Random(rng, 2, 2, 3, 4, 6), rng);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(3, 1)]
    public Task MaxPool2d_gradients_match_finite_differences(int kernel, int stride)
    {
        // Distinct values at least 1/64 apart (far above the step h): no window's maximum changes under ±h.
        var rng = new Random(5 + kernel + stride);
        var values = Enumerable.Range(0, 2 * 3 * 7 * 6).Select(i => (i - 126) / 64.0).OrderBy(_ => rng.Next()).ToArray();
        return CheckAsync(() => new MaxPool2d<PlainTensor>(kernel, stride), new PlainTensor(values, 2, 3, 7, 6), rng);
    }

    private static async Task CheckAsync(Func<Layer<PlainTensor>> make, PlainTensor x, Random rng)
    {
        var engine = PlainEngine.Instance;
        var layer = make();
        var y = await layer.ForwardAsync(engine, x);
        var r = SharedPlain.Random(rng, 1, y.Shape.ToArray());
        var gx = await layer.BackwardAsync(engine, r);

        async Task<double> Loss(PlainTensor input)
        {
            var output = await layer.ForwardAsync(engine, input);
            return output.Data.Zip(r.Data, (a, b) => a * b).Sum();
        }

        const double h = 1e-5;
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x.Data[i];
            x.Data[i] = saved + h;
            double up = await Loss(x);
            x.Data[i] = saved - h;
            double down = await Loss(x);
            x.Data[i] = saved;
            Assert.InRange(Math.Abs((up - down) / (2 * h) - gx.Data[i]), 0, 1e-6 * (1 + Math.Abs(gx.Data[i])));
        }
        // Parameter gradients: the layer's own stored gradients against the same finite differences.
        await layer.ForwardAsync(engine, x);
        await layer.BackwardAsync(engine, r);
        foreach (var p in layer.Parameters)
        {
            var g = p.Gradient!.Clone();
            for (int i = 0; i < p.Value.Length; i++)
            {
                double saved = p.Value.Data[i];
                p.Value.Data[i] = saved + h;
                double up = await Loss(x);
                p.Value.Data[i] = saved - h;
                double down = await Loss(x);
                p.Value.Data[i] = saved;
                Assert.InRange(Math.Abs((up - down) / (2 * h) - g.Data[i]), 0, 1e-6 * (1 + Math.Abs(g.Data[i])));
            }
        }
    }
}
