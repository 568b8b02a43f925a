using Imguard.Mpc.Protocols;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class SelectionTests
{
    private static double Encoded(double v) => TwoParties.Format.Decode(TwoParties.Format.Encode(v));

    private static int CeilLog2(int n) => n <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(n - 1));

    /// <summary>Rows of random values with ties, equal rows, negatives, zeros and values near the range's top.</summary>
    private static double[] RowsWithTies(Random rng, int rows, int n, double magnitude)
    {
        var v = TwoParties.Values(rng, rows * n, magnitude);
        for (int r = 0; r < rows; r++)
        {
            switch (r % 4)
            {
                case 0 when n > 1:
                    v[r * n + rng.Next(n)] = v[r * n + rng.Next(n)];                 // a tie somewhere (maybe at the max)
                    break;
                case 1:
                    Array.Fill(v, -3.5, r * n, n);                                     // all equal
                    break;
                case 2 when n > 1:
                    double top = v.Skip(r * n).Take(n).Max();
                    v[r * n + n - 1] = top;                                            // tie at the max, second copy last
                    break;
            }
        }
        return v;
    }

    [Fact]
    public async Task Max_of_two_tensors_is_exact_and_costs_one_round()
    {
        var rng = new Random(11);
        const int n = 3000;
        var x = TwoParties.Values(rng, n, 1e9);
        var y = TwoParties.Values(rng, n, 1e9);
        for (int i = 0; i < n; i += 5)
        {
            y[i] = x[i];                                                               // ties
        }
        var sx = TwoParties.Share(x);
        var sy = TwoParties.Share(y);
        var (z0, z1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var z = await Selection.MaxAsync(ctx, TwoParties.Pick(ctx.PartyId, sx), TwoParties.Pick(ctx.PartyId, sy));
            return (z, ctx.Statistics.Snapshot() - before);
        });
        var secure = TwoParties.Open((z0.z, z1.z));
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(Math.Max(Encoded(x[i]), Encoded(y[i])), secure[i]);            // bound: 0 (exact)
        }
        Assert.Equal(1, z0.Item2.Rounds);
        Assert.Equal(8L * n, z0.Item2.BytesSent);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(33)]
    public async Task Row_maximum_is_exact_and_costs_ceil_log2_n_rounds(int n)
    {
        var rng = new Random(100 + n);
        const int rows = 40;
        var x = RowsWithTies(rng, rows, n, 3e4);
        var shares = TwoParties.Share(x, 2, rows / 2, n);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var z = await Selection.MaxAlongLastAxisAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            return (z, ctx.Statistics.Snapshot() - before);
        });
        Assert.Equal(new[] { 2, rows / 2, 1 }, r0.z.Shape.ToArray());
        var secure = TwoParties.Open((r0.z, r1.z));
        for (int r = 0; r < rows; r++)
        {
            Assert.Equal(x.Skip(r * n).Take(n).Select(Encoded).Max(), secure[r]);       // bound: 0 (exact)
        }
        Assert.Equal(CeilLog2(n), r0.Item2.Rounds);
        Assert.Equal(8L * rows * (n - 1), r0.Item2.BytesSent);                          // one word per comparison
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(17)]
    public async Task Arg_max_is_one_hot_on_the_first_maximum_and_costs_two_rounds_per_level(int n)
    {
        var rng = new Random(200 + n);
        const int rows = 40;
        var x = RowsWithTies(rng, rows, n, 3e4);
        var shares = TwoParties.Share(x, rows, n);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var z = await Selection.ArgMaxAlongLastAxisAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            return (z, ctx.Statistics.Snapshot() - before);
        });
        Assert.Equal(new[] { rows, n }, r0.z.Shape.ToArray());
        var oneHot = TwoParties.OpenRing((r0.z, r1.z));
        for (int r = 0; r < rows; r++)
        {
            var row = x.Skip(r * n).Take(n).Select(Encoded).ToArray();
            int expected = Array.IndexOf(row, row.Max());                              // ties: the lowest index, like numpy
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(j == expected ? 1UL : 0UL, oneHot[r * n + j]);              // exactly one 1 per row
            }
        }
        Assert.Equal(2 * CeilLog2(n), r0.Item2.Rounds);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 6)]
    [InlineData(4, 11)]
    [InlineData(5, 20)]
    [InlineData(9, 44)]
    [InlineData(16, 87)]
    [InlineData(17, 120)]
    [InlineData(25, 182)]
    public async Task Max_with_arg_max_is_exact_one_hot_on_the_first_maximum_in_L_plus_log_L_rounds(int n, int wordsPerRow)
    {
        var rng = new Random(300 + n);
        const int rows = 40;
        var x = RowsWithTies(rng, rows, n, 3e4);
        var shares = TwoParties.Share(x, 2, rows / 2, n);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var (max, oneHot) = await Selection.MaxWithArgMaxAlongLastAxisAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            return (max, oneHot, ctx.Statistics.Snapshot() - before);
        });
        Assert.Equal(new[] { 2, rows / 2, 1 }, r0.max.Shape.ToArray());
        Assert.Equal(new[] { 2, rows / 2, n }, r0.oneHot.Shape.ToArray());
        var max = TwoParties.Open((r0.max, r1.max));
        var oneHot = TwoParties.OpenRing((r0.oneHot, r1.oneHot));
        for (int r = 0; r < rows; r++)
        {
            var row = x.Skip(r * n).Take(n).Select(Encoded).ToArray();
            Assert.Equal(row.Max(), max[r]);                                               // bound: 0 (exact)
            int expected = Array.IndexOf(row, row.Max());                              // ties: the lowest index
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(j == expected ? 1UL : 0UL, oneHot[r * n + j]);              // exactly one 1 per row
            }
        }
        int levels = CeilLog2(n);
        Assert.Equal(levels + CeilLog2(levels), r0.Item3.Rounds);
        Assert.Equal(8L * rows * wordsPerRow, r0.Item3.BytesSent);                      // n − 1 comparisons + 2 words per product
    }

    [Fact]
    public async Task Max_with_arg_max_of_an_empty_batch_sends_nothing()
    {
        var empty = TwoParties.Share([], 0, 9);
        var (r0, _) = await TwoParties.RunAsync(async ctx =>
        {
            var (max, oneHot) = await Selection.MaxWithArgMaxAlongLastAxisAsync(ctx, TwoParties.Pick(ctx.PartyId, empty));
            return (max.Shape.ToArray(), oneHot.Shape.ToArray(), ctx.Statistics.Snapshot());
        });
        Assert.Equal(new[] { 0, 1 }, r0.Item1);
        Assert.Equal(new[] { 0, 9 }, r0.Item2);
        Assert.Equal(default(TransferSnapshot), r0.Item3);
    }

    [Fact]
    public async Task Invalid_shapes_are_refused_before_anything_is_sent()
    {
        var a = TwoParties.Share(new double[6], 2, 3);
        var b = TwoParties.Share(new double[6], 3, 2);
        var empty = TwoParties.Share([], 2, 0);
        var (sent, _) = await TwoParties.RunAsync(async ctx =>
        {
            await Assert.ThrowsAsync<ArgumentException>(() => Selection.MaxAsync(ctx, TwoParties.Pick(ctx.PartyId, a), TwoParties.Pick(ctx.PartyId, b)).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => Selection.MaxAlongLastAxisAsync(ctx, TwoParties.Pick(ctx.PartyId, empty)).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => Selection.ArgMaxAlongLastAxisAsync(ctx, TwoParties.Pick(ctx.PartyId, empty)).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => Selection.MaxWithArgMaxAlongLastAxisAsync(ctx, TwoParties.Pick(ctx.PartyId, empty)).AsTask());
            return ctx.Statistics.Snapshot();
        });
        Assert.Equal(default(TransferSnapshot), sent);
    }
}
