using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class TruncationTests
{
    [Fact]
    public async Task Result_is_the_floor_or_the_floor_plus_one_for_values_across_the_whole_supported_range()
    {
        var rng = new Random(9);
        const int n = 20000;
        var secret = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            // |x| < 2^62, concentrated near the edges, zero and small values.
            long v = (i % 5) switch
            {
                0 => (long)(rng.NextInt64() >> 2),
                1 => (1L << 62) - 1 - rng.Next(1000),
                2 => -(1L << 62) + rng.Next(1000),
                3 => rng.Next(-70000, 70000),
                _ => 0,
            };
            secret[i] = unchecked((ulong)v);
        }
        var (s0, s1) = SecretSharer.Split(new RingTensor(secret, n));
        var f = TwoParties.Format;
        var shares = (new SharedTensor(0, s0, f), new SharedTensor(1, s1, f));
        var z = await TwoParties.RunAsync(ctx => Truncation.TruncateAsync(ctx, TwoParties.Pick(ctx.PartyId, shares)).AsTask());
        var opened = TwoParties.OpenRing(z);
        for (int i = 0; i < n; i++)
        {
            long floor = unchecked((long)secret[i]) >> 16;
            long got = unchecked((long)opened[i]);
            Assert.InRange(got - floor, 0, 1); // never a large error: failure probability 0 for |x| < 2^62
        }
    }

    [Fact]
    public async Task Rounding_is_unbiased_stochastic_rounding()
    {
        // x = 0.25 ulp after truncation: the result must be 1 about a quarter of the time, 0 otherwise.
        const int n = 40000;
        var secret = Enumerable.Repeat(1UL << 14, n).ToArray();
        var (s0, s1) = SecretSharer.Split(new RingTensor(secret, n));
        var f = TwoParties.Format;
        var shares = (new SharedTensor(0, s0, f), new SharedTensor(1, s1, f));
        var z = await TwoParties.RunAsync(ctx => Truncation.TruncateAsync(ctx, TwoParties.Pick(ctx.PartyId, shares)).AsTask());
        var opened = TwoParties.OpenRing(z);
        Assert.All(opened, v => Assert.True(v is 0 or 1));
        double mean = opened.Average(v => (double)v);
        // Binomial(40000, 1/4): σ of the mean ≈ 0.0022; 5σ.
        Assert.InRange(mean, 0.25 - 0.011, 0.25 + 0.011);
    }

    [Fact]
    public async Task Error_distribution_is_within_one_ulp_with_mean_near_zero()
    {
        var rng = new Random(4);
        const int n = 20000;
        var values = TwoParties.Values(rng, n, 1000);
        var f = TwoParties.Format;
        // Encode at 2f bits (as a product would be), truncate by f, compare to the real value.
        var secret = values.Select(v => unchecked((ulong)(long)Math.Round(v * Math.ScaleB(1, 32)))).ToArray();
        var (s0, s1) = SecretSharer.Split(new RingTensor(secret, n));
        var shares = (new SharedTensor(0, s0, f), new SharedTensor(1, s1, f));
        var z = await TwoParties.RunAsync(ctx => Truncation.TruncateAsync(ctx, TwoParties.Pick(ctx.PartyId, shares)).AsTask());
        var opened = TwoParties.Open(z);
        var errors = opened.Zip(values, (s, p) => (s - p) / f.Ulp).ToArray();
        Assert.All(errors, e => Assert.InRange(e, -1.0, 1.0));
        Assert.InRange(errors.Average(), -0.02, 0.02);
    }

    [Fact]
    public async Task Costs_one_round_and_one_word_per_element_each_way()
    {
        var shares = TwoParties.Share(new double[100]);
        var (cost, _) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            await Truncation.TruncateAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            return ctx.Statistics.Snapshot() - before;
        });
        Assert.Equal(1, cost.Rounds);
        Assert.Equal(800, cost.BytesSent);
    }
}
