using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Activation;
using Imguard.Learning.Nn.Optim;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Simulation;
using Imguard.Learning.Tests.Nn;

namespace Imguard.Learning.Tests.Nn.Activation;

/// <summary>
/// |x| = 2·ReLU(x) − x: the plaintext layer against |x| and central finite differences, the secure layer against the
/// plaintext one (exact: the ReLU's product with its 0/1 derivative is not truncated, and 2r − x is local), and its
/// cost against one ReLU's, measured in the same run.
/// </summary>
public sealed class AbsTests
{
    [Fact]
    public async Task Plain_forward_is_the_absolute_value_and_backward_matches_finite_differences()
    {
        // Values at least 1/64 from 0, far above the step h: no entry changes sign under ±h.
        var rng = new Random(1);
        var x = new PlainTensor(Enumerable.Range(0, 2 * 3 * 4 * 5).Select(_ => (rng.Next(2) * 2 - 1) * (1 / 64.0 + rng.NextDouble() * 3)).ToArray(), 2, 3, 4, 5);
        var layer = new Abs<PlainTensor>();
        var y = await layer.ForwardAsync(PlainEngine.Instance, x);
        Assert.Equal(x.Data.Select(Math.Abs), y.Data);

        var r = SharedPlain.Random(rng, 1, 2, 3, 4, 5);
        var gx = await layer.BackwardAsync(PlainEngine.Instance, r);
        const double h = 1e-5;
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x.Data[i];
            x.Data[i] = saved + h;
            double up = (await new Abs<PlainTensor>().ForwardAsync(PlainEngine.Instance, x)).Data.Zip(r.Data, (a, b) => a * b).Sum();
            x.Data[i] = saved - h;
            double down = (await new Abs<PlainTensor>().ForwardAsync(PlainEngine.Instance, x)).Data.Zip(r.Data, (a, b) => a * b).Sum();
            x.Data[i] = saved;
            Assert.InRange(Math.Abs((up - down) / (2 * h) - gx.Data[i]), 0, 1e-6 * (1 + Math.Abs(gx.Data[i])));
        }
    }

    [Fact]
    public async Task Backward_before_forward_is_refused()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new Abs<PlainTensor>().BackwardAsync(PlainEngine.Instance, new PlainTensor(2)).AsTask());
        Assert.Contains("Abs", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // a training engine: the ReLU keeps the triple that makes the backward product one opening
    public async Task Secure_forward_and_backward_equal_plaintext_exactly(bool prepareReluBackward)
    {
        // Random values of every size the 32-bit comparison is exact for (|x| < 2^15 at f = 16), zero, the smallest
        // fixed-point steps either side of it and the largest magnitudes.
        var rng = new Random(2);
        double ulp = 1.0 / SharedPlain.Format.Scale;
        var values = new List<double> { 0, ulp, -ulp, 32767, -32767, 0.5, -0.5 };
        while (values.Count < 4 * 50)
        {
            double magnitude = Math.Pow(2, rng.Next(-16, 15));
            values.Add(Math.Round((rng.NextDouble() * 2 - 1) * magnitude * SharedPlain.Format.Scale) / SharedPlain.Format.Scale);
        }
        var x = new PlainTensor([.. values], 4, 50);
        var gy = SharedPlain.Random(rng, 4, 4, 50);
        var plain = new Abs<PlainTensor>();
        var y = await plain.ForwardAsync(PlainEngine.Instance, x);
        var gx = await plain.BackwardAsync(PlainEngine.Instance, gy);

        var (sx, sgy) = (SharedPlain.Share(x), SharedPlain.Share(gy));
        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx) { PrepareReluBackward = prepareReluBackward };
            var layer = new Abs<SharedTensor>();
            var sy = await layer.ForwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sx));
            var sgx = await layer.BackwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sgy));
            return (sy, sgx);
        }, SharedPlain.Format, comparisonBits: 32);
        // Error bound 0: inputs on the fixed-point grid, a comparison exact at these magnitudes, no truncation.
        Assert.Equal(0, SharedPlain.MaxAbsDifference(y, SharedPlain.Open(r0.Item1, r1.Item1)));
        Assert.Equal(0, SharedPlain.MaxAbsDifference(gx, SharedPlain.Open(r0.Item2, r1.Item2)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Costs_what_one_relu_costs(bool prepareReluBackward)
    {
        // Forward: one ReLU's comparison (BinaryComparison.Rounds(32) rounds, its bytes); backward: one product with
        // the 0/1 derivative (1 round; 8 bytes per element each way with the prepared triple, 16 without), nothing more.
        const int batch = 8, width = 100;
        var rng = new Random(3);
        var (sx, sgy) = (SharedPlain.Share(SharedPlain.Random(rng, 3, batch, width)), SharedPlain.Share(SharedPlain.Random(rng, 1, batch, width)));
        var (costs, _) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx) { PrepareReluBackward = prepareReluBackward };
            var result = new List<(long Rounds, long Bytes)>();
            foreach (Layer<SharedTensor> layer in new Layer<SharedTensor>[] { new Relu<SharedTensor>(), new Abs<SharedTensor>() })
            {
                var before = ctx.Statistics.Snapshot();
                await layer.ForwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sx));
                var forward = ctx.Statistics.Snapshot() - before;
                before = ctx.Statistics.Snapshot();
                await layer.BackwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sgy));
                var backward = ctx.Statistics.Snapshot() - before;
                result.Add((forward.Rounds, forward.BytesSent));
                result.Add((backward.Rounds, backward.BytesSent));
            }
            return result;
        }, SharedPlain.Format, comparisonBits: 32);
        var (reluForward, reluBackward, absForward, absBackward) = (costs[0], costs[1], costs[2], costs[3]);
        Assert.Equal(reluForward, absForward);
        Assert.Equal(reluBackward, absBackward);
        Assert.Equal(Comparison.Rounds(ComparisonProtocol.BinaryCircuit, 32), absForward.Rounds);
        Assert.Equal(1, absBackward.Rounds);
        Assert.Equal((prepareReluBackward ? 8L : 16L) * batch * width, absBackward.Bytes);
    }

    [Fact]
    public async Task A_secure_training_step_of_a_model_that_starts_with_abs_matches_plaintext()
    {
        // The product's use: |x| first, then the mlp. Backward stops at the first linear layer, so the secure step's
        // difference is the softmax's and the truncations', as for the mlp without it.
        var spec = new ModelSpec([1, 4, 4], 3, [new("abs"), new("flatten"), new("linear", Out: 6), new("relu"), new("linear", Out: 3)]);
        var rng = new Random(4);
        var parameters = ModelBuilder.ParameterShapes(spec).Select(s => SharedPlain.Random(rng, 0.4, s)).ToArray();
        const int batch = 8;
        var x = SharedPlain.Random(rng, 2, batch, 1, 4, 4);
        var labels = new PlainTensor(batch, 3);
        for (int r = 0; r < batch; r++) labels.Data[r * 3 + rng.Next(3)] = 1;
        var plain = ModelBuilder.Build(spec, parameters.Select(p => p.Clone()).ToArray());
        await plain.TrainStepAsync(PlainEngine.Instance, x, labels, new Sgd(0.1, momentum: 0.9));

        var shares = parameters.Append(x).Append(labels).Select(SharedPlain.Share).ToArray();
        var (p0, p1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var mine = shares.Select(s => SharedPlain.Pick(ctx.PartyId, s)).ToArray();
            var model = ModelBuilder.Build<SharedTensor>(spec, mine[..^2]);
            Assert.IsType<Abs<SharedTensor>>(model.Layers[0]);
            await model.TrainStepAsync(new SecureEngine(ctx) { PrepareReluBackward = true }, mine[^2], mine[^1], new Sgd(0.1, momentum: 0.9));
            return model.Parameters.Select(p => p.Value).ToArray();
        }, SharedPlain.Format, comparisonBits: 32);
        var expected = plain.Parameters.Select(p => p.Value).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            // As the mlp step in SecureLayerTests: the softmax (≤ 1e-2 per probability, over the batch, times lr) and a
            // few ulps per truncation; asserted 1e-3.
            Assert.InRange(SharedPlain.MaxAbsDifference(expected[i], SharedPlain.Open(p0[i], p1[i])), 0, 1e-3);
        }
    }
}
