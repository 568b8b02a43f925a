using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Pooling;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Simulation;

namespace Imguard.Learning.Tests.Nn.Pooling;

/// <summary>
/// MaxPool2d: the plaintext engine on hand-computed examples, then the secure layer against it. Bound on shares:
/// forward exact up to the fixed-point encoding of the input (the output is an input's ring value); the selection is
/// identical except in a window where two entries differ by less than 2^-16 (encoding is monotone, so such a pair can
/// only collapse into a tie, which goes to the first entry); the routed gradient is exact. On the fixed-point grid
/// (encoding exact) everything is identical, ties included.
/// </summary>
public sealed class MaxPool2dTests
{
    private static readonly double Ulp = SharedPlain.Format.Ulp;

    [Fact]
    public async Task Plain_forward_and_backward_match_a_hand_computed_example_with_a_tie()
    {
        var x = new PlainTensor([
             1,  3,  2,  0,
             3, -1,  5,  5,
            -2, -4,  0, -1,
            -3, -2, -1, -1,
        ], 1, 1, 4, 4);
        var pool = new MaxPool2d<PlainTensor>(2);
        var y = await pool.ForwardAsync(PlainEngine.Instance, x);
        Assert.Equal([1, 1, 2, 2], y.Shape.ToArray());
        Assert.Equal([3, 5, -2, 0], y.Data);
        var (_, selection) = await PlainEngine.Instance.MaxPool2dAsync(x, 2, 2, CancellationToken.None);
        Assert.Equal([1, 1, 2, 2, 4], selection.Shape.ToArray());
        // Windows in row-major (ky, kx) order; 3 = 3 (slots 1, 2), 5 = 5 (slots 2, 3), −2 = −2 (slots 0, 3): the first wins.
        Assert.Equal([0, 1, 0, 0, /**/ 0, 0, 1, 0, /**/ 1, 0, 0, 0, /**/ 1, 0, 0, 0], selection.Data);
        var gx = await pool.BackwardAsync(PlainEngine.Instance, new PlainTensor([10, 20, 30, 40], 1, 1, 2, 2));
        Assert.Equal([
             0, 10,  0,  0,
             0,  0, 20,  0,
            30,  0, 40,  0,
             0,  0,  0,  0,
        ], gx.Data);
    }

    [Fact]
    public async Task Plain_backward_adds_up_where_overlapping_windows_select_the_same_entry()
    {
        var x = new PlainTensor([
            0, 0, 0, 0, 0,
            0, 1, 0, 2, 0,
            0, 0, 9, 0, 0,
            0, 3, 0, 0, 0,
            0, 0, 0, 0, 9,
        ], 1, 1, 5, 5);
        var pool = new MaxPool2d<PlainTensor>(3, stride: 2);
        var y = await pool.ForwardAsync(PlainEngine.Instance, x);
        Assert.Equal([9, 9, 9, 9], y.Data);                                               // the centre is in all four windows
        var gx = await pool.BackwardAsync(PlainEngine.Instance, new PlainTensor([1, 2, 3, 4], 1, 1, 2, 2));
        var expected = new double[25];
        expected[2 * 5 + 2] = 1 + 2 + 3 + 4;                                               // the last window's tie (9 at slot 0 and 8) goes to slot 0
        Assert.Equal(expected, gx.Data);
    }

    [Fact]
    public async Task Backward_before_forward_and_mismatched_shapes_are_refused()
    {
        var pool = new MaxPool2d<PlainTensor>(2);
        await Assert.ThrowsAsync<InvalidOperationException>(() => pool.BackwardAsync(PlainEngine.Instance, new PlainTensor(1, 1, 2, 2)).AsTask());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d<PlainTensor>(0));
        var engine = PlainEngine.Instance;
        await Assert.ThrowsAsync<ArgumentException>(() => engine.MaxPool2dAsync(new PlainTensor(1, 1, 1, 3), 2, 2, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() =>
            engine.MaxPool2dBackwardAsync(new PlainTensor(1, 1, 2, 2), new PlainTensor(1, 1, 2, 2, 9), [1, 1, 4, 4], 2, 2, CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(2, 2, 8, 8)]   // non-overlapping
    [InlineData(3, 2, 7, 9)]   // overlapping: inputs shared by up to four windows
    [InlineData(3, 1, 5, 6)]   // overlapping: up to nine
    public async Task Secure_forward_selection_and_backward_equal_plaintext_on_a_coarse_grid_with_ties(int k, int stride, int h, int w)
    {
        var rng = new Random(10 * k + stride + h);
        // Multiples of 1/4 in [−2, 2] (exact in the encoding): negatives, zeros and many exact ties.
        var x = new PlainTensor(Enumerable.Range(0, 2 * 3 * h * w).Select(_ => rng.Next(-8, 9) / 4.0).ToArray(), 2, 3, h, w);
        var (output, selection, gx) = await PlainAsync(x, k, stride, rng);
        var (secureOutput, secureSelection, secureGx) = await SecureAsync(x, k, stride, gx.Gradient);

        Assert.Equal(output.Data, secureOutput.Data);                                      // bound: 0
        Assert.Equal(selection.Data, secureSelection);                                     // identical, ties included
        Assert.Equal(gx.Input.Data, secureGx.Data);                                        // bound: 0 (grid gradients, exact routing)
        Assert.Contains(Enumerable.Range(0, output.Length), o => TiesAtMaximum(x, o, k, stride));
    }

    [Fact]
    public async Task Secure_max_pooling_of_off_grid_values_is_within_the_encoding_bound()
    {
        var rng = new Random(21);
        var x = new PlainTensor(Enumerable.Range(0, 2 * 2 * 8 * 8).Select(_ => (rng.NextDouble() * 2 - 1) * 3).ToArray(), 2, 2, 8, 8);
        var planted = new HashSet<int>();
        for (int o = 0; o < 2 * 2 * 4 * 4; o += 3)
        {
            // Window o: entry 0 = v on the grid, entry 3 = v + 0.3 ulp (the plain maximum, but it encodes to v: a tie).
            int plane = o / 16, oy = o / 4 % 4, ox = o % 4, first = (plane * 8 + 2 * oy) * 8 + 2 * ox;
            double v = 4 + rng.Next(64) / 16.0;
            (x.Data[first], x.Data[first + 8 + 1]) = (v, v + 0.3 * Ulp);
            planted.Add(o);
        }
        var (output, selection, gx) = await PlainAsync(x, 2, 2, rng);
        var (secureOutput, secureSelection, _) = await SecureAsync(x, 2, 2, gx.Gradient);

        Assert.InRange(SharedPlain.MaxAbsDifference(output, secureOutput), 0, Ulp / 2);  // encoding: ½ ulp
        for (int o = 0; o < output.Length; o++)
        {
            var plainRow = selection.Data.AsSpan(o * 4, 4).ToArray();
            var secureRow = secureSelection.AsSpan(o * 4, 4).ToArray();
            // Identical except where the maximum and an earlier entry are within 2^-16: there the first one is chosen.
            if (planted.Contains(o))
            {
                Assert.Equal([0, 0, 0, 1], plainRow);
                Assert.Equal([1, 0, 0, 0], secureRow);
            }
            else
            {
                Assert.Equal(plainRow, secureRow);
            }
        }
    }

    private static async Task<(PlainTensor Output, PlainTensor Selection, (PlainTensor Gradient, PlainTensor Input) Gx)> PlainAsync(
        PlainTensor x, int k, int stride, Random rng)
    {
        var engine = PlainEngine.Instance;
        var (output, selection) = await engine.MaxPool2dAsync(x, k, stride, CancellationToken.None);
        var gradient = new PlainTensor(output.Data.Select(_ => rng.Next(-64, 65) / 8.0).ToArray(), output.Shape.ToArray());
        var pool = new MaxPool2d<PlainTensor>(k, stride);
        await pool.ForwardAsync(engine, x);
        var gx = await pool.BackwardAsync(engine, gradient);
        return (output, selection, (gradient, gx));
    }

    /// <summary>The secure layer's output, opened selection (as 0/1) and input gradient.</summary>
    private static async Task<(PlainTensor Output, double[] Selection, PlainTensor Gx)> SecureAsync(PlainTensor x, int k, int stride, PlainTensor gradient)
    {
        var (sx, sg) = (SharedPlain.Share(x), SharedPlain.Share(gradient));
        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx);
            var (_, selection) = await engine.MaxPool2dAsync(SharedPlain.Pick(ctx.PartyId, sx), k, stride, CancellationToken.None);
            var layer = new MaxPool2d<SharedTensor>(k, stride);
            var y = await layer.ForwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sx));
            var gx = await layer.BackwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sg));
            return (y, selection, gx);
        });
        var oneHot = SecretSharer.Reconstruct(r0.selection, r1.selection).Data.Select(v => (double)v).ToArray(); // ring 0/1, not fixed-point
        return (SharedPlain.Open(r0.y, r1.y), oneHot, SharedPlain.Open(r0.gx, r1.gx));
    }

    private static double[] WindowValues(PlainTensor x, int output, int k, int stride)
    {
        int h = x.Dimension(2), w = x.Dimension(3), oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        int plane = output / (oh * ow), oy = output / ow % oh, ox = output % ow;
        var values = new double[k * k];
        for (int j = 0; j < k * k; j++)
        {
            values[j] = x.Data[(plane * h + oy * stride + j / k) * w + ox * stride + j % k];
        }
        return values;
    }

    private static bool TiesAtMaximum(PlainTensor x, int output, int k, int stride)
    {
        var values = WindowValues(x, output, k, stride);
        return values.Count(v => v == values.Max()) > 1;
    }
}
