using Imguard.Mpc.Protocols;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class BeaverTests
{
    private static readonly double Ulp = TwoParties.Format.Ulp;

    [Fact]
    public async Task Fixed_point_product_matches_plaintext_within_two_ulps()
    {
        var rng = new Random(1);
        const int n = 2000;
        // Factors up to 2^14 in magnitude: the untruncated product stays below 2^62, the truncation's bound.
        var x = TwoParties.Values(rng, n, 16000);
        var y = TwoParties.Values(rng, n, 4);
        var sx = TwoParties.Share(x);
        var sy = TwoParties.Share(y);
        var z = await TwoParties.RunAsync(ctx => Beaver.MultiplyAsync(ctx, TwoParties.Pick(ctx.PartyId, sx), TwoParties.Pick(ctx.PartyId, sy)).AsTask());
        var secure = TwoParties.Open(z);
        for (int i = 0; i < n; i++)
        {
            // Encoding error of each factor (½ ulp) times the other factor, plus 1 ulp of stochastic rounding.
            double xe = TwoParties.Format.Decode(TwoParties.Format.Encode(x[i]));
            double ye = TwoParties.Format.Decode(TwoParties.Format.Encode(y[i]));
            Assert.InRange(Math.Abs(secure[i] - xe * ye), 0, Ulp);
            Assert.InRange(Math.Abs(secure[i] - x[i] * y[i]), 0, Ulp + 0.5 * Ulp * (Math.Abs(x[i]) + Math.Abs(y[i])) + Ulp);
        }
    }

    [Fact]
    public async Task Raw_product_of_integers_is_exact_in_the_ring()
    {
        var (s0, s1) = Imguard.Mpc.Sharing.SecretSharer.Split(new Imguard.Mpc.Ring.RingTensor([3, ulong.MaxValue, 1UL << 63, 0], 4));
        var (t0, t1) = Imguard.Mpc.Sharing.SecretSharer.Split(new Imguard.Mpc.Ring.RingTensor([5, 7, 2, 9], 4));
        var f = TwoParties.Format;
        var x = (new Imguard.Mpc.Sharing.SharedTensor(0, s0, f), new Imguard.Mpc.Sharing.SharedTensor(1, s1, f));
        var y = (new Imguard.Mpc.Sharing.SharedTensor(0, t0, f), new Imguard.Mpc.Sharing.SharedTensor(1, t1, f));
        var z = await TwoParties.RunAsync(ctx => Beaver.MultiplyRawAsync(ctx, TwoParties.Pick(ctx.PartyId, x), TwoParties.Pick(ctx.PartyId, y)).AsTask());
        Assert.Equal(new ulong[] { 15, unchecked(ulong.MaxValue * 7), 0, 0 }, TwoParties.OpenRing(z));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(16, 33, 10)]
    [InlineData(64, 128, 17)]
    public async Task Matrix_product_matches_plaintext(int m, int k, int n)
    {
        var rng = new Random(m * 1000 + k * 10 + n);
        var a = TwoParties.Values(rng, m * k, 30);
        var b = TwoParties.Values(rng, k * n, 2);
        var sa = TwoParties.Share(a, m, k);
        var sb = TwoParties.Share(b, k, n);
        var (z0, z1) = await TwoParties.RunAsync(ctx => Beaver.MatMulAsync(ctx, TwoParties.Pick(ctx.PartyId, sa), TwoParties.Pick(ctx.PartyId, sb)).AsTask());
        Assert.Equal(new[] { m, n }, z0.Shape.ToArray());
        var secure = TwoParties.Open((z0, z1));
        var f = TwoParties.Format;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double exact = 0;
                for (int p = 0; p < k; p++)
                {
                    exact += f.Decode(f.Encode(a[i * k + p])) * f.Decode(f.Encode(b[p * n + j]));
                }
                // Products of encoded values are exact in the ring; only the final truncation rounds (< 1 ulp).
                Assert.InRange(Math.Abs(secure[i * n + j] - exact), 0, Ulp);
            }
        }
    }

    [Fact]
    public async Task Products_batched_in_one_call_use_one_round()
    {
        var rng = new Random(5);
        var x = TwoParties.Share(TwoParties.Values(rng, 10, 3));
        var y = TwoParties.Share(TwoParties.Values(rng, 10, 3));
        var (rounds, _) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var sx = TwoParties.Pick(ctx.PartyId, x);
            var sy = TwoParties.Pick(ctx.PartyId, y);
            await Beaver.MultiplyRawAsync(ctx, [(sx, sy), (sy, sx), (sx, sx)]);
            return (ctx.Statistics.Snapshot() - before).Rounds;
        });
        Assert.Equal(1, rounds);
    }

    [Fact]
    public async Task Shape_mismatch_is_rejected_before_any_communication()
    {
        var x = TwoParties.Share(new double[6], 2, 3);
        var y = TwoParties.Share(new double[6], 3, 2);
        await Assert.ThrowsAsync<ArgumentException>(() => TwoParties.RunAsync(ctx =>
            Beaver.MultiplyRawAsync(ctx, TwoParties.Pick(ctx.PartyId, x), TwoParties.Pick(ctx.PartyId, y)).AsTask()));
        await Assert.ThrowsAsync<ArgumentException>(() => TwoParties.RunAsync(ctx =>
            Beaver.MatMulRawAsync(ctx, TwoParties.Pick(ctx.PartyId, x), TwoParties.Pick(ctx.PartyId, x)).AsTask()));
    }
}
