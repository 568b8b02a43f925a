using Imguard.Mpc.Protocols;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class SelectionTests
{
    private static double Encoded(double v) => TwoParties.Format.Decode(TwoParties.Format.Encode(v));

    private static int CeilLog2(int n) => n <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(n - 1));

    /// <summary>Bytes of the comparisons of a max tree over rows of n: level by level, one comparison per pair.</summary>
    private static long TreeComparisonBytes(ComparisonProtocol protocol, int rows, int n)
    {
        long bytes = 0;
        for (int count = n; count > 1; count = count / 2 + (count & 1))
        {
            bytes += Comparison.BytesSent(protocol, 64, rows * (count / 2));
        }
        return bytes;
    }

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

    [Theory]
    [InlineData(ComparisonProtocol.BinaryCircuit)]
    [InlineData(ComparisonProtocol.FunctionSecretSharing)]
    public async Task Max_of_two_tensors_is_exact_and_costs_one_comparison(ComparisonProtocol protocol)
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
        }, comparison: protocol);
        var secure = TwoParties.Open((z0.z, z1.z));
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(Math.Max(Encoded(x[i]), Encoded(y[i])), secure[i]);            // bound: 0 (exact)
        }
        Assert.Equal(Comparison.Rounds(protocol, 64), z0.Item2.Rounds);
        Assert.Equal(Comparison.BytesSent(protocol, 64, n), z0.Item2.BytesSent);
    }

    [Theory]
    [InlineData(1, ComparisonProtocol.BinaryCircuit)]
    [InlineData(1, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(2, ComparisonProtocol.BinaryCircuit)]
    [InlineData(2, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(3, ComparisonProtocol.BinaryCircuit)]
    [InlineData(3, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(7, ComparisonProtocol.BinaryCircuit)]
    [InlineData(7, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(10, ComparisonProtocol.BinaryCircuit)]
    [InlineData(10, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(16, ComparisonProtocol.BinaryCircuit)]
    [InlineData(16, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(33, ComparisonProtocol.BinaryCircuit)]
    [InlineData(33, ComparisonProtocol.FunctionSecretSharing)]
    public async Task Row_maximum_is_exact_and_costs_ceil_log2_n_comparisons(int n, ComparisonProtocol protocol)
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
        }, comparison: protocol);
        Assert.Equal(new[] { 2, rows / 2, 1 }, r0.z.Shape.ToArray());
        var secure = TwoParties.Open((r0.z, r1.z));
        for (int r = 0; r < rows; r++)
        {
            Assert.Equal(x.Skip(r * n).Take(n).Select(Encoded).Max(), secure[r]);       // bound: 0 (exact)
        }
        Assert.Equal(CeilLog2(n) * Comparison.Rounds(protocol, 64), r0.Item2.Rounds);
        Assert.Equal(TreeComparisonBytes(protocol, rows, n), r0.Item2.BytesSent);       // DCF: one word per comparison
    }

    [Theory]
    [InlineData(1, ComparisonProtocol.BinaryCircuit)]
    [InlineData(2, ComparisonProtocol.BinaryCircuit)]
    [InlineData(3, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(10, ComparisonProtocol.BinaryCircuit)]
    [InlineData(10, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(16, ComparisonProtocol.BinaryCircuit)]
    public async Task All_pairs_row_maximum_is_exact_with_ties_in_constant_comparison_rounds(int n, ComparisonProtocol protocol)
    {
        var rng = new Random(300 + n);
        const int rows = 40;
        var x = RowsWithTies(rng, rows, n, 3e4);
        if (n >= 3)
        {
            Array.Fill(x, 7.0, 0, n);                       // a row that is all one value: exactly one winner
            x[n] = x[n + 2] = 9;                            // a tie for the maximum
            x[n + 1] = -9;
        }
        var shares = TwoParties.Share(x, rows, n);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var z = await Selection.MaxAlongLastAxisAllPairsAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            return (z, ctx.Statistics.Snapshot() - before, Selection.AllPairsRounds(ctx, n));
        }, comparison: protocol);
        Assert.Equal(new[] { rows, 1 }, r0.z.Shape.ToArray());
        var secure = TwoParties.Open((r0.z, r1.z));
        for (int r = 0; r < rows; r++)
        {
            Assert.Equal(x.Skip(r * n).Take(n).Select(Encoded).Max(), secure[r]);       // bound: 0 (exact)
        }
        Assert.Equal(r0.Item3.AllPairs, r0.Item2.Rounds);
        if (n == 10 && protocol == ComparisonProtocol.BinaryCircuit)
        {
            Assert.True(r0.Item3.AllPairs < r0.Item3.Tree, $"all pairs {r0.Item3.AllPairs} rounds, tree {r0.Item3.Tree}");
        }
    }

    [Theory]
    [InlineData(1, ComparisonProtocol.BinaryCircuit)]
    [InlineData(1, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(2, ComparisonProtocol.BinaryCircuit)]
    [InlineData(2, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(5, ComparisonProtocol.BinaryCircuit)]
    [InlineData(5, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(10, ComparisonProtocol.BinaryCircuit)]
    [InlineData(10, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(17, ComparisonProtocol.BinaryCircuit)]
    [InlineData(17, ComparisonProtocol.FunctionSecretSharing)]
    public async Task Arg_max_is_one_hot_on_the_first_maximum_and_costs_a_comparison_and_a_product_per_level(int n, ComparisonProtocol protocol)
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
        }, comparison: protocol);
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
        Assert.Equal(CeilLog2(n) * (Comparison.Rounds(protocol, 64) + 1), r0.Item2.Rounds);
    }

    [Theory]
    [InlineData(1, 0, ComparisonProtocol.BinaryCircuit)]
    [InlineData(1, 0, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(2, 1, ComparisonProtocol.BinaryCircuit)]
    [InlineData(2, 1, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(3, 6, ComparisonProtocol.BinaryCircuit)]
    [InlineData(3, 6, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(4, 11, ComparisonProtocol.BinaryCircuit)]
    [InlineData(4, 11, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(5, 20, ComparisonProtocol.BinaryCircuit)]
    [InlineData(5, 20, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(9, 44, ComparisonProtocol.BinaryCircuit)]
    [InlineData(9, 44, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(16, 87, ComparisonProtocol.BinaryCircuit)]
    [InlineData(16, 87, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(17, 120, ComparisonProtocol.BinaryCircuit)]
    [InlineData(17, 120, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(25, 182, ComparisonProtocol.BinaryCircuit)]
    [InlineData(25, 182, ComparisonProtocol.FunctionSecretSharing)]
    public async Task Max_with_arg_max_is_exact_one_hot_on_the_first_maximum_in_L_comparisons_plus_log_L_rounds(int n, int wordsPerRow, ComparisonProtocol protocol)
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
        }, comparison: protocol);
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
        Assert.Equal(levels * Comparison.Rounds(protocol, 64) + CeilLog2(levels), r0.Item3.Rounds);
        // DCF: n − 1 comparison words + 2 words per product; the binary circuit replaces the comparison part.
        long productBytes = 8L * rows * (wordsPerRow - (n - 1));
        Assert.Equal(productBytes + TreeComparisonBytes(protocol, rows, n), r0.Item3.BytesSent);
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
