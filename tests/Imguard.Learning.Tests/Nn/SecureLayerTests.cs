using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Activation;
using Imguard.Learning.Nn.Loss;
using Imguard.Learning.Nn.Optim;
using Imguard.Mpc.Simulation;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Tests.Nn;

/// <summary>Each layer's secure forward and backward against the same layer run by the plaintext engine.</summary>
public sealed class SecureLayerTests
{
    private static readonly double Ulp = SharedPlain.Format.Ulp;

    [Fact]
    public async Task Linear_forward_and_backward_match_plaintext_within_one_ulp_per_product()
    {
        var rng = new Random(1);
        var x = SharedPlain.Random(rng, 4, 5, 7);
        var w = SharedPlain.Random(rng, 1, 7, 3);
        var b = SharedPlain.Random(rng, 1, 3);
        var gy = SharedPlain.Random(rng, 2, 5, 3);

        var plain = new Linear<PlainTensor>(w, b);
        var y = await plain.ForwardAsync(PlainEngine.Instance, x);
        var gx = await plain.BackwardAsync(PlainEngine.Instance, gy);

        var (sx, sw, sb, sgy) = (SharedPlain.Share(x), SharedPlain.Share(w), SharedPlain.Share(b), SharedPlain.Share(gy));
        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx);
            var layer = new Linear<SharedTensor>(SharedPlain.Pick(ctx.PartyId, sw), SharedPlain.Pick(ctx.PartyId, sb));
            var sy = await layer.ForwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sx));
            var sgx = await layer.BackwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sgy));
            return (sy, sgx, layer.Weight.Gradient!, layer.Bias.Gradient!);
        });
        // Inputs lie on the fixed-point grid: products are exact in the ring, each matmul truncates once (< 1 ulp).
        Assert.InRange(SharedPlain.MaxAbsDifference(y, SharedPlain.Open(r0.Item1, r1.Item1)), 0, Ulp);
        Assert.InRange(SharedPlain.MaxAbsDifference(gx, SharedPlain.Open(r0.Item2, r1.Item2)), 0, Ulp);
        Assert.InRange(SharedPlain.MaxAbsDifference(plain.Weight.Gradient!, SharedPlain.Open(r0.Item3, r1.Item3)), 0, Ulp);
        Assert.Equal(0, SharedPlain.MaxAbsDifference(plain.Bias.Gradient!, SharedPlain.Open(r0.Item4, r1.Item4)));
    }

    [Fact]
    public async Task Relu_and_flatten_forward_and_backward_are_exact()
    {
        var rng = new Random(2);
        var x = SharedPlain.Random(rng, 3, 2, 3, 4);
        var gy = SharedPlain.Random(rng, 3, 2, 12);
        var relu = new Relu<PlainTensor>();
        var flatten = new Flatten<PlainTensor>();
        var y = await flatten.ForwardAsync(PlainEngine.Instance, await relu.ForwardAsync(PlainEngine.Instance, x));
        var gx = await relu.BackwardAsync(PlainEngine.Instance, await flatten.BackwardAsync(PlainEngine.Instance, gy));

        var (sx, sgy) = (SharedPlain.Share(x), SharedPlain.Share(gy));
        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx);
            var sRelu = new Relu<SharedTensor>();
            var sFlatten = new Flatten<SharedTensor>();
            var sy = await sFlatten.ForwardAsync(engine, await sRelu.ForwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sx)));
            var sgx = await sRelu.BackwardAsync(engine, await sFlatten.BackwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sgy)));
            return (sy, sgx);
        });
        Assert.Equal(0, SharedPlain.MaxAbsDifference(y, SharedPlain.Open(r0.Item1, r1.Item1)));
        Assert.Equal(0, SharedPlain.MaxAbsDifference(gx, SharedPlain.Open(r0.Item2, r1.Item2)));
    }

    [Fact]
    public async Task Softmax_cross_entropy_gradient_with_soft_labels_matches_plaintext()
    {
        var rng = new Random(3);
        var logits = SharedPlain.Random(rng, 6, 8, 10);
        var labels = new PlainTensor(8, 10);
        for (int r = 0; r < 8; r++)
        {
            // Soft labels as InstaHide makes them: a convex combination of 4 one-hot rows.
            var weights = new[] { 0.4, 0.3, 0.2, 0.1 };
            for (int j = 0; j < 4; j++) labels.Data[r * 10 + rng.Next(10)] += weights[j];
        }
        var (_, plainGradient) = await SoftmaxCrossEntropy.ForwardBackwardAsync(PlainEngine.Instance, logits, labels);
        var (sl, sy) = (SharedPlain.Share(logits), SharedPlain.Share(labels));
        var (g0, g1) = await TwoPartySimulation.RunAsync(async ctx =>
            (await SoftmaxCrossEntropy.ForwardBackwardAsync(new SecureEngine(ctx), SharedPlain.Pick(ctx.PartyId, sl), SharedPlain.Pick(ctx.PartyId, sy))).Gradient);
        // Softmax is within 1e-2 per output (Functions' bound); the gradient divides that by the batch size.
        Assert.InRange(SharedPlain.MaxAbsDifference(plainGradient, SharedPlain.Open(g0, g1)), 0, 1e-2 / 8 + 2 * Ulp);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // the training engine's ReLUs: backward product by the derivative with one opening
    public async Task One_secure_training_step_of_an_mlp_equals_the_plaintext_step_within_bounds(bool prepareReluBackward)
    {
        var rng = new Random(4);
        const int batch = 16, inputs = 12, hidden = 8, classes = 4;
        var x = SharedPlain.Random(rng, 2, batch, inputs);
        var labels = new PlainTensor(batch, classes);
        for (int r = 0; r < batch; r++) labels.Data[r * classes + rng.Next(classes)] = 1;
        var w1 = SharedPlain.Random(rng, 0.4, inputs, hidden);
        var b1 = SharedPlain.Random(rng, 0.1, hidden);
        var w2 = SharedPlain.Random(rng, 0.4, hidden, classes);
        var b2 = SharedPlain.Random(rng, 0.1, classes);

        var plain = Mlp<PlainTensor>(w1, b1, w2, b2);
        var sgd = new Sgd(0.1, momentum: 0.9, weightDecay: 5e-4);
        await plain.TrainStepAsync(PlainEngine.Instance, x, labels, sgd);
        await plain.TrainStepAsync(PlainEngine.Instance, x, labels, sgd); // second step exercises momentum

        var shares = new[] { x, labels, w1, b1, w2, b2 }.Select(SharedPlain.Share).ToArray();
        var (p0, p1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx) { PrepareReluBackward = prepareReluBackward };
            SharedTensor S(int i) => SharedPlain.Pick(ctx.PartyId, shares[i]);
            var model = Mlp<SharedTensor>(S(2), S(3), S(4), S(5));
            var optimizer = new Sgd(0.1, momentum: 0.9, weightDecay: 5e-4);
            await model.TrainStepAsync(engine, S(0), S(1), optimizer);
            await model.TrainStepAsync(engine, S(0), S(1), optimizer);
            return model.Parameters.Select(p => p.Value).ToArray();
        });
        var expected = plain.Parameters.Select(p => p.Value).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            // Sources: the softmax (worst case 1e-2 per probability, divided by the batch in the gradient) and a few
            // ulps of truncation per product and scaling, through two steps with momentum. Measured: 0.8–3.0e-5 per
            // parameter tensor; asserted 1e-3.
            Assert.InRange(SharedPlain.MaxAbsDifference(expected[i], SharedPlain.Open(p0[i], p1[i])), 0, 1e-3);
        }
    }

    [Fact]
    public async Task Sgd_on_shares_scales_every_parameter_in_two_rounds_and_equals_the_plaintext_update()
    {
        // Four parameters with momentum and weight decay: λ·w and μ·v of all in one truncation, η·v of all in another.
        var rng = new Random(9);
        var values = new[] { SharedPlain.Random(rng, 1, 5, 3), SharedPlain.Random(rng, 1, 3), SharedPlain.Random(rng, 1, 3, 2), SharedPlain.Random(rng, 1, 2) };
        var velocities = values.Select(v => SharedPlain.Random(rng, 0.5, v.Shape.ToArray())).ToArray();
        var gradients = values.Select(v => SharedPlain.Random(rng, 0.5, v.Shape.ToArray())).ToArray();
        Parameter<PlainTensor>[] plain = [.. values.Select((v, i) => new Parameter<PlainTensor>($"p{i}", v.Clone()) { Velocity = velocities[i].Clone(), Gradient = gradients[i].Clone() })];
        await new Sgd(0.05, 0.9, 1e-3).StepAsync(PlainEngine.Instance, plain);

        var shares = values.Concat(velocities).Concat(gradients).Select(SharedPlain.Share).ToArray();
        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            SharedTensor S(int i) => SharedPlain.Pick(ctx.PartyId, shares[i]);
            Parameter<SharedTensor>[] secure = [.. Enumerable.Range(0, 4).Select(i => new Parameter<SharedTensor>($"p{i}", S(i)) { Velocity = S(4 + i), Gradient = S(8 + i) })];
            var before = ctx.Statistics.Snapshot();
            await new Sgd(0.05, 0.9, 1e-3).StepAsync(new SecureEngine(ctx), secure);
            return (rounds: (ctx.Statistics.Snapshot() - before).Rounds, values: secure.Select(p => p.Value).ToArray(), velocities: secure.Select(p => p.Velocity!).ToArray());
        });
        Assert.Equal(2, r0.rounds);
        for (int i = 0; i < 4; i++)
        {
            // Each scaling adds at most one ulp of stochastic rounding (and the encoded constants theirs): a few ulps.
            Assert.InRange(SharedPlain.MaxAbsDifference(plain[i].Velocity!, SharedPlain.Open(r0.velocities[i], r1.velocities[i])), 0, 4 * Ulp);
            Assert.InRange(SharedPlain.MaxAbsDifference(plain[i].Value, SharedPlain.Open(r0.values[i], r1.values[i])), 0, 4 * Ulp);
        }
    }

    [Fact]
    public async Task Plaintext_mlp_learns_a_synthetic_task()
    {
        // Two Gaussian blobs per class in 6-D; the reference path must learn it before the secure one is trusted with it.
        var rng = new Random(5);
        const int n = 256, d = 6, classes = 3;
        var (x, y, labels) = Blobs(rng, n, d, classes);
        var model = Mlp<PlainTensor>(
            SharedPlain.Random(rng, 0.5, d, 16), new PlainTensor(16), SharedPlain.Random(rng, 0.5, 16, classes), new PlainTensor(classes));
        var sgd = new Sgd(0.1, 0.9);
        for (int epoch = 0; epoch < 30; epoch++)
        {
            await model.TrainStepAsync(PlainEngine.Instance, x, y, sgd);
        }
        var logits = await model.ForwardAsync(PlainEngine.Instance, x);
        Assert.InRange(Accuracy(logits, labels), 0.9, 1.0);
    }

    [Fact]
    public async Task Secure_mlp_learns_the_same_synthetic_task()
    {
        var rng = new Random(5);
        const int n = 64, d = 6, classes = 3;
        var (x, y, labels) = Blobs(rng, n, d, classes);
        var init = new[] { SharedPlain.Random(rng, 0.5, d, 16), new PlainTensor(16), SharedPlain.Random(rng, 0.5, 16, classes), new PlainTensor(classes) };
        var shares = new[] { x, y }.Concat(init).Select(SharedPlain.Share).ToArray();
        var (l0, l1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx);
            SharedTensor S(int i) => SharedPlain.Pick(ctx.PartyId, shares[i]);
            var model = Mlp<SharedTensor>(S(2), S(3), S(4), S(5));
            var sgd = new Sgd(0.1, 0.9);
            for (int step = 0; step < 15; step++)
            {
                await model.TrainStepAsync(engine, S(0), S(1), sgd);
            }
            return await model.ForwardAsync(engine, S(0));
        }, timeout: TimeSpan.FromMinutes(3));
        Assert.InRange(Accuracy(SharedPlain.Open(l0, l1), labels), 0.85, 1.0);
    }

    private static Sequential<T> Mlp<T>(T w1, T b1, T w2, T b2) where T : class =>
        new([new Linear<T>(w1, b1), new Relu<T>(), new Linear<T>(w2, b2)]);

    private static (PlainTensor X, PlainTensor Y, int[] Labels) Blobs(Random rng, int n, int d, int classes)
    {
        var centres = SharedPlain.Random(rng, 2, classes, d);
        var x = new PlainTensor(n, d);
        var y = new PlainTensor(n, classes);
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % classes;
            labels[i] = c;
            y.Data[i * classes + c] = 1;
            for (int j = 0; j < d; j++)
            {
                double noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()) * 0.5;
                x.Data[i * d + j] = Math.Round((centres.Data[c * d + j] + noise) * SharedPlain.Format.Scale) / SharedPlain.Format.Scale;
            }
        }
        return (x, y, labels);
    }

    private static double Accuracy(PlainTensor logits, int[] labels)
    {
        int classes = logits.Dimension(1), correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (logits.Data[i * classes + c] > logits.Data[i * classes + best]) best = c;
            }
            if (best == labels[i]) correct++;
        }
        return (double)correct / labels.Length;
    }
}
