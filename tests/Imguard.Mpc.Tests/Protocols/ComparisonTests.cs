using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class ComparisonTests
{
    [Theory]
    [InlineData(64)]
    [InlineData(40)]
    [InlineData(2)]
    public async Task DRelu_is_exact_for_every_value_in_the_declared_range_including_its_edges(int bits)
    {
        var rng = new Random(bits);
        long min = bits == 64 ? long.MinValue : -(1L << (bits - 1));
        long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        var values = new List<long> { 0, -1, 1, min, max, min + 1, max - 1 };
        for (int i = 0; i < 3000; i++)
        {
            long v = bits == 64 ? rng.NextInt64(long.MinValue, long.MaxValue) : rng.NextInt64(min, max + 1);
            values.Add(i % 3 == 0 ? v >> rng.Next(0, bits) : v);
        }
        var secret = values.Select(v => unchecked((ulong)v)).ToArray();
        var (s0, s1) = SecretSharer.Split(new RingTensor(secret, secret.Length));
        var f = TwoParties.Format;
        var shares = (new SharedTensor(0, s0, f), new SharedTensor(1, s1, f));
        var z = await TwoParties.RunAsync(ctx => Comparison.DReluAsync(ctx, TwoParties.Pick(ctx.PartyId, shares)).AsTask(), comparisonBits: bits);
        var opened = TwoParties.OpenRing(z);
        for (int i = 0; i < values.Count; i++)
        {
            Assert.Equal(values[i] >= 0 ? 1UL : 0UL, opened[i]);
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public async Task Relu_equals_max_of_x_and_zero_exactly(int bits)
    {
        var rng = new Random(3);
        var values = TwoParties.Values(rng, 5000, bits == 64 ? 1e13 : 30000);
        var shares = TwoParties.Share(values);
        var z = await TwoParties.RunAsync(ctx => Comparison.ReluAsync(ctx, TwoParties.Pick(ctx.PartyId, shares)).AsTask(), comparisonBits: bits);
        var secure = TwoParties.Open(z);
        var f = TwoParties.Format;
        for (int i = 0; i < values.Length; i++)
        {
            // No arithmetic error: ReLU of the encoded value, bit for bit.
            Assert.Equal(Math.Max(f.Decode(f.Encode(values[i])), 0), secure[i]);
        }
    }

    [Fact]
    public async Task Relu_with_derivative_gives_both_in_one_round()
    {
        var rng = new Random(8);
        var values = TwoParties.Values(rng, 3000, 500);
        var shares = TwoParties.Share(values);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var result = await Comparison.ReluWithDerivativeAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            Assert.Equal(1, (ctx.Statistics.Snapshot() - before).Rounds);
            return result;
        });
        var relu = TwoParties.Open((r0.Relu, r1.Relu));
        var derivative = TwoParties.OpenRing((r0.Derivative, r1.Derivative));
        var f = TwoParties.Format;
        for (int i = 0; i < values.Length; i++)
        {
            double encoded = f.Decode(f.Encode(values[i]));
            Assert.Equal(Math.Max(encoded, 0), relu[i]);
            Assert.Equal(encoded >= 0 ? 1UL : 0UL, derivative[i]);
        }
    }

    [Fact]
    public async Task Relu_costs_one_round_and_one_word_per_element_each_way()
    {
        var shares = TwoParties.Share(new double[1000]);
        var (cost, _) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            await Comparison.ReluAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            return ctx.Statistics.Snapshot() - before;
        });
        Assert.Equal(1, cost.Rounds);
        Assert.Equal(8000, cost.BytesSent);
    }
}
