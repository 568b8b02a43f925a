using Imguard.Mpc.Protocols;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class PoolingTests
{
    private static readonly double Ulp = TwoParties.Format.Ulp;

    private static double Encoded(double v) => TwoParties.Format.Decode(TwoParties.Format.Encode(v));

    /// <summary>Plain pooling of NCHW values: max or mean over k×k windows, stride s, no padding.</summary>
    private static double[] PlainPool(double[] x, int[] shape, int k, int s, bool max)
    {
        int planes = shape[0] * shape[1], h = shape[2], w = shape[3];
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        var result = new double[planes * oh * ow];
        int o = 0;
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    var window = new List<double>();
                    for (int ky = 0; ky < k; ky++)
                    {
                        for (int kx = 0; kx < k; kx++)
                        {
                            window.Add(Encoded(x[p * h * w + (oy * s + ky) * w + ox * s + kx]));
                        }
                    }
                    result[o++] = max ? window.Max() : window.Average();
                }
            }
        }
        return result;
    }

    [Theory]
    [InlineData(2, 2, 8, 8)]
    [InlineData(3, 2, 7, 9)]
    [InlineData(3, 1, 5, 5)]
    [InlineData(1, 1, 3, 4)]
    public async Task Max_pooling_is_exact_and_costs_ceil_log2_k_squared_comparisons(int k, int stride, int h, int w)
    {
        var rng = new Random(k * 100 + stride * 10 + h);
        int[] shape = [2, 3, h, w];
        var x = TwoParties.Values(rng, 2 * 3 * h * w, 1000);
        x[5] = x[6];                                                                   // a tie
        var shares = TwoParties.Share(x, shape);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var z = await Pooling.MaxPool2dAsync(ctx, TwoParties.Pick(ctx.PartyId, shares), k, stride);
            return (z, ctx.Statistics.Snapshot() - before);
        });
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        Assert.Equal(new[] { 2, 3, oh, ow }, r0.z.Shape.ToArray());
        Assert.Equal(PlainPool(x, shape, k, stride, max: true), TwoParties.Open((r0.z, r1.z))); // bound: 0 (exact)
        int window = k * k;
        int comparisons = window == 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(window - 1));
        Assert.Equal(comparisons * TwoParties.ComparisonRounds, r0.Item2.Rounds);
    }

    [Theory]
    [InlineData(2, 2, 8, 8)]
    [InlineData(3, 2, 7, 9)]
    [InlineData(3, 1, 5, 5)]
    [InlineData(1, 1, 3, 4)]
    public async Task Max_pooling_with_arg_max_and_its_backward_are_exact_and_route_ties_to_the_first_maximum(int k, int stride, int h, int w)
    {
        var rng = new Random(k * 100 + stride * 10 + h + 3);
        int[] shape = [2, 3, h, w];
        // A coarse grid (multiples of 1/4 in [−2, 2]) makes ties frequent and exact; a few large magnitudes too.
        var x = Enumerable.Range(0, 2 * 3 * h * w).Select(i => i % 11 == 0 ? (rng.Next(2) * 2 - 1) * 3e4 : rng.Next(-8, 9) / 4.0).ToArray();
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1, window = k * k, outputs = 2 * 3 * oh * ow;
        var gradient = TwoParties.Values(rng, outputs, 50);
        var (sx, sg) = (TwoParties.Share(x, shape), TwoParties.Share(gradient, 2, 3, oh, ow));
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var (output, selection) = await Pooling.MaxPool2dWithArgMaxAsync(ctx, TwoParties.Pick(ctx.PartyId, sx), k, stride);
            var middle = ctx.Statistics.Snapshot();
            var gx = await Pooling.MaxPool2dBackwardAsync(ctx, TwoParties.Pick(ctx.PartyId, sg), selection, shape, k, stride);
            return (output, selection, gx, middle - before, ctx.Statistics.Snapshot() - middle);
        });
        Assert.Equal(new[] { 2, 3, oh, ow, window }, r0.selection.Shape.ToArray());
        Assert.Equal(PlainPool(x, shape, k, stride, max: true), TwoParties.Open((r0.output, r1.output))); // bound: 0 (exact)

        // Plain reference: the first maximum of each window in row-major (ky, kx) order gets the output's gradient.
        var selection = TwoParties.OpenRing((r0.selection, r1.selection));
        var expectedGradient = new double[x.Length];
        int o = 0;
        for (int p = 0; p < 6; p++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++, o++)
        {
            int best = -1, bestInput = -1;
            for (int j = 0; j < window; j++)
            {
                int input = p * h * w + (oy * stride + j / k) * w + ox * stride + j % k;
                if (best < 0 || Encoded(x[input]) > Encoded(x[bestInput]))
                {
                    (best, bestInput) = (j, input);
                }
            }
            for (int j = 0; j < window; j++)
            {
                Assert.Equal(j == best ? 1UL : 0UL, selection[o * window + j]);
            }
            expectedGradient[bestInput] += Encoded(gradient[o]);
        }
        Assert.Equal(expectedGradient, TwoParties.Open((r0.gx, r1.gx)));                  // bound: 0 (exact)

        int levels = window == 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(window - 1));
        int productRounds = levels <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(levels - 1));
        Assert.Equal(levels * TwoParties.ComparisonRounds + productRounds, r0.Item4.Rounds);
        Assert.Equal(1, r0.Item5.Rounds);
        Assert.Equal(8L * 2 * window * outputs, r0.Item5.BytesSent);                    // 2k² words per output element
    }

    [Fact]
    public async Task Max_pooling_backward_refuses_mismatched_shapes_and_sends_nothing_for_an_empty_batch()
    {
        var gradient = TwoParties.Share(new double[4], 1, 1, 2, 2);
        var selection = TwoParties.Share(new double[16], 1, 1, 2, 2, 4);
        var empty = TwoParties.Share([], 0, 2, 2, 2);
        var emptySelection = TwoParties.Share([], 0, 2, 2, 2, 4);
        var (r0, _) = await TwoParties.RunAsync(async ctx =>
        {
            var g = TwoParties.Pick(ctx.PartyId, gradient);
            var s = TwoParties.Pick(ctx.PartyId, selection);
            await Assert.ThrowsAsync<ArgumentException>(() => Pooling.MaxPool2dBackwardAsync(ctx, g, s, [1, 1, 6, 6], 2, 2).AsTask());  // 3×3 outputs
            await Assert.ThrowsAsync<ArgumentException>(() => Pooling.MaxPool2dBackwardAsync(ctx, g, g, [1, 1, 4, 4], 2, 2).AsTask());  // selection rank
            await Assert.ThrowsAsync<ArgumentException>(() => Pooling.MaxPool2dBackwardAsync(ctx, g, s, [1, 4, 4], 2, 2).AsTask());     // not NCHW
            var gx = await Pooling.MaxPool2dBackwardAsync(ctx, TwoParties.Pick(ctx.PartyId, empty), TwoParties.Pick(ctx.PartyId, emptySelection), [0, 2, 4, 4], 2, 2);
            return (gx.Shape.ToArray(), ctx.Statistics.Snapshot());
        });
        Assert.Equal(new[] { 0, 2, 4, 4 }, r0.Item1);
        Assert.Equal(0, r0.Item2.Rounds);
    }

    [Theory]
    [InlineData(2, 2, 8, 8)]
    [InlineData(3, 3, 9, 7)]
    [InlineData(3, 1, 6, 5)]
    [InlineData(5, 2, 9, 9)]
    public async Task Average_pooling_is_within_the_stated_bound_and_costs_one_round(int k, int stride, int h, int w)
    {
        var rng = new Random(k * 100 + stride * 10 + h + 7);
        int[] shape = [2, 2, h, w];
        const double magnitude = 30000;                                                // near the top of Beaver's range 2^15
        var x = TwoParties.Values(rng, 2 * 2 * h * w, magnitude);
        var shares = TwoParties.Share(x, shape);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var z = await Pooling.AvgPool2dAsync(ctx, TwoParties.Pick(ctx.PartyId, shares), k, stride);
            return (z, ctx.Statistics.Snapshot() - before);
        });
        var plain = PlainPool(x, shape, k, stride, max: false);
        var secure = TwoParties.Open((r0.z, r1.z));
        Assert.Equal(plain.Length, secure.Length);
        for (int i = 0; i < plain.Length; i++)
        {
            // Stated bound: 1 ulp (truncation) + |window sum|·2^−(f+e+1) (rounding of 1/k²) + ½ ulp (rounding of the plain mean).
            double sumBound = k * k * magnitude * Math.ScaleB(1.0, -(TwoParties.Format.FractionalBits + Pooling.AverageExtraBits + 1));
            Assert.InRange(Math.Abs(secure[i] - plain[i]), 0, 1.5 * Ulp + sumBound);
        }
        Assert.Equal(1, r0.Item2.Rounds);
        Assert.Equal(8L * plain.Length, r0.Item2.BytesSent);
    }

    [Fact]
    public async Task Invalid_geometry_is_refused_with_a_clear_error()
    {
        var image = TwoParties.Share(new double[2 * 3 * 4], 2, 3, 4);
        var nchw = TwoParties.Share(new double[16], 1, 1, 4, 4);
        await TwoParties.RunAsync(async ctx =>
        {
            var rank3 = TwoParties.Pick(ctx.PartyId, image);
            var x = TwoParties.Pick(ctx.PartyId, nchw);
            var e = await Assert.ThrowsAsync<ArgumentException>(() => Pooling.MaxPool2dAsync(ctx, rank3, 2, 2).AsTask());
            Assert.Contains("NCHW", e.Message, StringComparison.Ordinal);
            e = await Assert.ThrowsAsync<ArgumentException>(() => Pooling.AvgPool2dAsync(ctx, x, 5, 1).AsTask());
            Assert.Contains("does not fit", e.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Pooling.MaxPool2dAsync(ctx, x, 0, 1).AsTask());
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Pooling.AvgPool2dAsync(ctx, x, 2, 0).AsTask());
            return 0;
        });
    }

    [Fact]
    public async Task An_empty_batch_pools_to_an_empty_result_without_communication()
    {
        var empty = TwoParties.Share([], 0, 2, 4, 4);
        var (r0, _) = await TwoParties.RunAsync(async ctx =>
        {
            var x = TwoParties.Pick(ctx.PartyId, empty);
            var max = await Pooling.MaxPool2dAsync(ctx, x, 2, 2);
            var mean = await Pooling.AvgPool2dAsync(ctx, x, 3, 1);
            var (withArgMax, selection) = await Pooling.MaxPool2dWithArgMaxAsync(ctx, x, 2, 2);
            Assert.Equal(new[] { 0, 2, 2, 2 }, withArgMax.Shape.ToArray());
            Assert.Equal(new[] { 0, 2, 2, 2, 4 }, selection.Shape.ToArray());
            return (max.Shape.ToArray(), mean.Shape.ToArray(), ctx.Statistics.Snapshot());
        });
        Assert.Equal(new[] { 0, 2, 2, 2 }, r0.Item1);
        Assert.Equal(new[] { 0, 2, 2, 2 }, r0.Item2);
        Assert.Equal(0, r0.Item3.Rounds);
    }
}
