using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class ComparisonTests
{
    [Theory]
    [InlineData(64, ComparisonProtocol.BinaryCircuit)]
    [InlineData(40, ComparisonProtocol.BinaryCircuit)]
    [InlineData(33, ComparisonProtocol.BinaryCircuit)]   // an even number of leaves (32): no odd one moves up
    [InlineData(32, ComparisonProtocol.BinaryCircuit)]
    [InlineData(5, ComparisonProtocol.BinaryCircuit)]
    [InlineData(3, ComparisonProtocol.BinaryCircuit)]
    [InlineData(2, ComparisonProtocol.BinaryCircuit)]
    [InlineData(64, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(40, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(2, ComparisonProtocol.FunctionSecretSharing)]
    public async Task DRelu_is_exact_for_every_value_in_the_declared_range_including_its_edges(int bits, ComparisonProtocol protocol)
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
        var z = await TwoParties.RunAsync(ctx => Comparison.DReluAsync(ctx, TwoParties.Pick(ctx.PartyId, shares)).AsTask(), comparisonBits: bits, comparison: protocol);
        var opened = TwoParties.OpenRing(z);
        for (int i = 0; i < values.Count; i++)
        {
            Assert.Equal(values[i] >= 0 ? 1UL : 0UL, opened[i]);
        }
    }

    [Theory]
    [InlineData(64, ComparisonProtocol.BinaryCircuit)]
    [InlineData(32, ComparisonProtocol.BinaryCircuit)]
    [InlineData(64, ComparisonProtocol.FunctionSecretSharing)]
    [InlineData(32, ComparisonProtocol.FunctionSecretSharing)]
    public async Task Relu_equals_max_of_x_and_zero_exactly(int bits, ComparisonProtocol protocol)
    {
        var rng = new Random(3);
        var values = TwoParties.Values(rng, 5000, bits == 64 ? 1e13 : 30000);
        var shares = TwoParties.Share(values);
        var z = await TwoParties.RunAsync(ctx => Comparison.ReluAsync(ctx, TwoParties.Pick(ctx.PartyId, shares)).AsTask(), comparisonBits: bits, comparison: protocol);
        var secure = TwoParties.Open(z);
        var f = TwoParties.Format;
        for (int i = 0; i < values.Length; i++)
        {
            // No arithmetic error: ReLU of the encoded value, bit for bit.
            Assert.Equal(Math.Max(f.Decode(f.Encode(values[i])), 0), secure[i]);
        }
    }

    [Theory]
    [InlineData(ComparisonProtocol.BinaryCircuit)]
    [InlineData(ComparisonProtocol.FunctionSecretSharing)]
    public async Task Relu_with_derivative_gives_both_from_one_comparison(ComparisonProtocol protocol)
    {
        var rng = new Random(8);
        var values = TwoParties.Values(rng, 3000, 500);
        var shares = TwoParties.Share(values);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var result = await Comparison.ReluWithDerivativeAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            Assert.Equal(Comparison.Rounds(ctx), (ctx.Statistics.Snapshot() - before).Rounds);
            return result;
        }, comparisonBits: 32, comparison: protocol);
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

    [Theory]
    [InlineData(ComparisonProtocol.BinaryCircuit)]
    [InlineData(ComparisonProtocol.FunctionSecretSharing)]
    public async Task Relu_for_backward_and_the_derivative_product_match_plaintext_exactly(ComparisonProtocol protocol)
    {
        var rng = new Random(9);
        var values = TwoParties.Values(rng, 3000, 500);
        var gradients = TwoParties.Values(rng, 3000, 50);
        var x = TwoParties.Share(values);
        var g = TwoParties.Share(gradients);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var (relu, derivative) = await Comparison.ReluForBackwardAsync(ctx, TwoParties.Pick(ctx.PartyId, x));
            Assert.Equal(protocol == ComparisonProtocol.BinaryCircuit, derivative.HasMask);
            var before = ctx.Statistics.Snapshot();
            var product = await Comparison.MultiplyByDerivativeAsync(ctx, TwoParties.Pick(ctx.PartyId, g), derivative);
            var cost = ctx.Statistics.Snapshot() - before;
            // The mask is spent: a second product by the same derivative is a Beaver product, still exact.
            Assert.False(derivative.HasMask);
            var again = await Comparison.MultiplyByDerivativeAsync(ctx, TwoParties.Pick(ctx.PartyId, g), derivative);
            return (relu, derivative.Sign, product, again, cost);
        }, comparisonBits: 32, comparison: protocol);
        var relu = TwoParties.Open((r0.relu, r1.relu));
        var sign = TwoParties.OpenRing((r0.Sign, r1.Sign));
        var product = TwoParties.Open((r0.product, r1.product));
        var again = TwoParties.Open((r0.again, r1.again));
        var f = TwoParties.Format;
        for (int i = 0; i < values.Length; i++)
        {
            double encoded = f.Decode(f.Encode(values[i]));
            double gradient = f.Decode(f.Encode(gradients[i]));
            Assert.Equal(Math.Max(encoded, 0), relu[i]);
            Assert.Equal(encoded >= 0 ? 1UL : 0UL, sign[i]);
            Assert.Equal(encoded >= 0 ? gradient : 0, product[i]);   // no truncation: exact
            Assert.Equal(product[i], again[i]);
        }
        // One round; the binary circuit's triple on t opens g − u alone (1 word per element), a Beaver product 2.
        Assert.Equal(1, r0.cost.Rounds);
        Assert.Equal((protocol == ComparisonProtocol.BinaryCircuit ? 8 : 16) * values.Length, r0.cost.BytesSent);
    }

    [Theory]
    // DCF: 1 round, x̂ only.
    [InlineData(ComparisonProtocol.FunctionSecretSharing, 64, 1, 8000)]
    [InlineData(ComparisonProtocol.FunctionSecretSharing, 32, 1, 8000)]
    // Binary, 64 bits: x̂, then (31 pairs local) 5 tree levels over 32 nodes (31 combinations + 57 ANDs, 16 words each
    // for 1000 elements), then e.
    [InlineData(ComparisonProtocol.BinaryCircuit, 64, 7, 8 * (1000 + 16 * (31 + 57 + 1)))]
    // Binary, 32 bits: 15 pairs local, then 4 levels over 16 nodes, 15 combinations + 26 ANDs.
    [InlineData(ComparisonProtocol.BinaryCircuit, 32, 6, 8 * (1000 + 16 * (15 + 26 + 1)))]
    public async Task Relu_costs_the_stated_rounds_and_bytes(ComparisonProtocol protocol, int bits, int rounds, int bytes)
    {
        var shares = TwoParties.Share(new double[1000]);
        var (cost, _) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            await Comparison.ReluAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            return ctx.Statistics.Snapshot() - before;
        }, comparisonBits: bits, comparison: protocol);
        Assert.Equal(rounds, cost.Rounds);
        Assert.Equal(bytes, cost.BytesSent);
        Assert.Equal(rounds, Comparison.Rounds(protocol, bits));
        Assert.Equal(bytes, Comparison.BytesSent(protocol, bits, 1000));
    }

    [Fact]
    public void Binary_relu_material_is_a_few_dozen_bytes_to_party_1_and_nothing_to_party_0()
    {
        var dealer = Dealer.CreateRandom();
        const int n = 1000;
        var (binary0, binary1) = dealer.Generate(0, RandomnessRequest.BitSign(n, 32, withProduct: true));
        var (dcf0, dcf1) = dealer.Generate(1, RandomnessRequest.Sign(n, 32, withProduct: true));
        Assert.Empty(binary0);
        // 32 mask-bit planes, 15 adjacent-bit products and 26 AND products, 16 words each, then t and t·r: 3168 words,
        // 25 bytes per element.
        Assert.Equal(32 * 16 + 15 * 16 + 26 * 16 + 2 * n, binary1.Length);
        Assert.Equal(n * (31 * 4 + 2), dcf0.Length);
        Assert.True(dcf1.Length > 35 * binary1.Length, $"DCF {dcf1.Length} words, binary {binary1.Length}");
        // With the derivative triple: one more word per element (u·t), still nothing to party 0.
        var (backward0, backward1) = dealer.Generate(2, RandomnessRequest.BitSignForBackward(n, 32));
        Assert.Empty(backward0);
        Assert.Equal(binary1.Length + n, backward1.Length);
    }
}
