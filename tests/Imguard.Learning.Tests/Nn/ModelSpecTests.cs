using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Optim;
using Imguard.Learning.Nn.Pooling;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Simulation;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Tests.Nn;

public sealed class ModelSpecTests
{
    [Fact]
    public void Presets_have_the_shapes_the_issue_names()
    {
        Assert.Equal([10], ModelSpec.Mlp.InferShapes()[^1]);
        var cnn = ModelSpec.Cnn.InferShapes();
        Assert.Equal([16, 24, 24], cnn[0]);
        Assert.Equal([16, 4, 4], cnn[5]);
        Assert.Equal([256], cnn[6]);
        var shapes = ModelBuilder.ParameterShapes(ModelSpec.Cnn);
        Assert.Equal([[16, 1, 5, 5], [16], [16, 16, 5, 5], [16], [256, 100], [100], [100, 10], [10]], shapes);
        Assert.Equal([[784, 128], [128], [128, 128], [128], [128, 10], [10]], ModelBuilder.ParameterShapes(ModelSpec.Mlp));
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void Under_instahide_a_preset_starts_with_abs_and_otherwise_is_the_preset(string name)
    {
        var preset = ModelSpec.Preset(name);
        var hidden = ModelSpec.PresetFor(name, Learning.Hiding.HidingMode.InstaHide);
        Assert.Equal("abs", hidden.Layers[0].Type);
        Assert.Equal(preset.Layers, hidden.Layers.Skip(1));
        Assert.Equal(hidden.InferShapes()[^1], preset.InferShapes()[^1]);
        Assert.Equal(preset, ModelSpec.PresetFor(name, Learning.Hiding.HidingMode.Mixup));
        Assert.Equal(preset, ModelSpec.PresetFor(name, Learning.Hiding.HidingMode.Off));
        Assert.IsType<Learning.Nn.Activation.Abs<PlainTensor>>(ModelBuilder.Build(hidden, ModelBuilder.ParameterShapes(hidden).Select(s => new PlainTensor(s)).ToArray()).Layers[0]);
    }

    [Fact]
    public void A_spec_round_trips_through_json()
    {
        var again = ModelSpec.Parse(ModelSpec.Cnn.ToJson());
        Assert.Equal(ModelSpec.Cnn.Layers, again.Layers);
        Assert.Equal(ModelSpec.Cnn.Input, again.Input);
    }

    [Theory]
    [InlineData("{\"input\":[1,4,4],\"classes\":3,\"layers\":[{\"type\":\"linear\",\"out\":3}]}", "flatten")]
    [InlineData("{\"input\":[1,4,4],\"classes\":3,\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":5}]}", "3 class scores")]
    [InlineData("{\"input\":[1,4,4],\"classes\":3,\"layers\":[{\"type\":\"dropout\"}]}", "unknown layer type")]
    [InlineData("{\"input\":[1,4,4],\"classes\":3,\"layers\":[{\"type\":\"dropout\"}]}", "avgpool2d, maxpool2d or flatten")]
    [InlineData("{\"input\":[1,4,4],\"classes\":3,\"layers\":[{\"type\":\"maxpool2d\",\"kernel\":5}]}", "layer 0 (maxpool2d): a 5×5 window does not fit a 4×4 input")]
    [InlineData("{\"input\":[1,4,4],\"classes\":3,\"layers\":[{\"type\":\"flatten\"},{\"type\":\"maxpool2d\",\"kernel\":2}]}", "layer 1 (maxpool2d) needs a C×H×W input")]
    [InlineData("{\"input\":[1,4,4],\"classes\":3,\"layers\":[{\"type\":\"conv2d\",\"out\":2,\"kernel\":5}]}", "does not fit")]
    [InlineData("not json", "not valid JSON")]
    public void Invalid_specs_get_a_clear_error(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelSpec.Parse(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Maxpool2d_infers_shapes_with_the_stride_defaulting_to_the_kernel_and_builds()
    {
        var spec = ModelSpec.Parse("""
            {"input": [2, 9, 9], "classes": 3, "layers": [
              {"type": "maxpool2d", "kernel": 3, "stride": 2}, {"type": "maxpool2d", "kernel": 2},
              {"type": "flatten"}, {"type": "linear", "out": 3}]}
            """);
        var shapes = spec.InferShapes();
        Assert.Equal([2, 4, 4], shapes[0]);
        Assert.Equal([2, 2, 2], shapes[1]);
        Assert.Equal([[8, 3], [3]], ModelBuilder.ParameterShapes(spec));
        var model = ModelBuilder.Build(spec, [new PlainTensor(8, 3), new PlainTensor(3)]);
        var pools = model.Layers.OfType<MaxPool2d<PlainTensor>>().ToArray();
        Assert.Equal([(3, 2), (2, 2)], pools.Select(p => (p.KernelSize, p.Stride)));
    }

    /// <summary>conv 2→4 3×3, ReLU, maxpool2d (kernel, stride), flatten, linear → 3 classes, on 2×9×9 inputs.</summary>
    private static ModelSpec ConvMaxPool(int kernel, int stride) => new([2, 9, 9], 3,
    [
        new("conv2d", Out: 4, Kernel: 3), new("relu"), new("maxpool2d", Kernel: kernel, Stride: stride), new("flatten"), new("linear", Out: 3),
    ]);

    [Theory]
    [InlineData(2, 2, false)]
    [InlineData(3, 2, true)]
    public async Task A_secure_training_step_through_maxpool2d_matches_plaintext(int kernel, int stride, bool prepareReluBackward)
    {
        var spec = ConvMaxPool(kernel, stride);
        var rng = new Random(40 + kernel);
        // Inputs and parameters on a 1/16 grid: the convolution's products then have at most 8 fractional bits, so its
        // truncation is exact and max pooling sees exactly the plaintext values (same arg-max, ties included: the
        // grid and the ReLU's zeros make ties common). What remains is the softmax (≤ 1e-2 per probability, Functions)
        // and one truncation per later product, scaled by the learning rate.
        static PlainTensor Grid(Random rng, double magnitude, params int[] shape) =>
            new(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => Math.Round((rng.NextDouble() * 2 - 1) * magnitude * 16) / 16).ToArray(), shape);
        var parameters = ModelBuilder.ParameterShapes(spec).Select(s => Grid(rng, 0.5, s)).ToArray();
        const int batch = 4;
        var x = Grid(rng, 2, batch, 2, 9, 9);
        var labels = new PlainTensor(batch, 3);
        for (int r = 0; r < batch; r++) labels.Data[r * 3 + rng.Next(3)] = 1;

        var plain = ModelBuilder.Build(spec, parameters.Select(p => p.Clone()).ToArray());
        await plain.TrainStepAsync(PlainEngine.Instance, x, labels, new Sgd(0.1, momentum: 0.9));

        var shares = parameters.Append(x).Append(labels).Select(SharedPlain.Share).ToArray();
        var (p0, p1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var mine = shares.Select(s => SharedPlain.Pick(ctx.PartyId, s)).ToArray();
            var model = ModelBuilder.Build<SharedTensor>(spec, mine[..^2]);
            await model.TrainStepAsync(new SecureEngine(ctx) { PrepareReluBackward = prepareReluBackward }, mine[^2], mine[^1], new Sgd(0.1, momentum: 0.9));
            return model.Parameters.Select(p => p.Value).ToArray();
        }, timeout: TimeSpan.FromMinutes(3));
        var expected = plain.Parameters.Select(p => p.Value).ToArray();
        Assert.Equal(expected.Length, p0.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            // Max pooling adds nothing here (same arg-max, exact routing); the softmax dominates: its per-probability error
            // (≤ 1e-2, observed ≤ 2.7e-3) divided by the batch, through activations of magnitude ≤ ~3, times lr = 0.1.
            // Measured 0.4–2.1e-4 per parameter tensor; asserted 1e-3.
            Assert.InRange(SharedPlain.MaxAbsDifference(expected[i], SharedPlain.Open(p0[i], p1[i])), 0, 1e-3);
        }
    }

    [Fact]
    public void Initial_parameters_follow_the_default_bounds_and_differ_by_seed()
    {
        using var prng = new AesCtrPrg(Seed.Random());
        var p = ModelBuilder.InitialParameters(ModelSpec.Mlp, prng);
        Assert.All(p[0].Data, v => Assert.InRange(v, -1 / Math.Sqrt(784), 1 / Math.Sqrt(784)));
        Assert.InRange(p[0].Data.Select(Math.Abs).Average(), 0.45 / Math.Sqrt(784), 0.55 / Math.Sqrt(784));
        using var other = new AesCtrPrg(Seed.Random());
        Assert.NotEqual(p[0].Data[0], ModelBuilder.InitialParameters(ModelSpec.Mlp, other)[0].Data[0]);
    }

    [Fact]
    public async Task The_cnn_preset_runs_securely_and_matches_plaintext()
    {
        using var prng = new AesCtrPrg(Seed.Random());
        var parameters = ModelBuilder.InitialParameters(ModelSpec.Cnn, prng)
            .Select(t => new PlainTensor(t.Data.Select(v => Math.Round(v * 65536) / 65536).ToArray(), t.Shape.ToArray())).ToArray();
        var x = SharedPlain.Random(new Random(3), 2, 2, 1, 28, 28);
        var expected = await ModelBuilder.Build(ModelSpec.Cnn, parameters).ForwardAsync(PlainEngine.Instance, x);

        var shares = parameters.Append(x).Select(SharedPlain.Share).ToArray();
        var (y0, y1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var mine = shares.Select(s => SharedPlain.Pick(ctx.PartyId, s)).ToArray();
            var model = ModelBuilder.Build<SharedTensor>(ModelSpec.Cnn, mine[..^1]);
            return await model.ForwardAsync(new SecureEngine(ctx), mine[^1]);
        });
        Assert.Equal([2, 10], y0.Shape.ToArray());
        // Four matmuls and two poolings, each adding at most a few ulps, carried through later layers: measured
        // 1.1–1.3e-5 (under 1 ulp); asserted 1e-4.
        Assert.InRange(SharedPlain.MaxAbsDifference(expected, SharedPlain.Open(y0, y1)), 0, 1e-4);
    }
}
