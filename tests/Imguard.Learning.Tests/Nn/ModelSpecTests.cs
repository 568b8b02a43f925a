using Imguard.Learning.Nn;
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
    [InlineData("{\"input\":[1,4,4],\"classes\":3,\"layers\":[{\"type\":\"conv2d\",\"out\":2,\"kernel\":5}]}", "does not fit")]
    [InlineData("not json", "not valid JSON")]
    public void Invalid_specs_get_a_clear_error(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelSpec.Parse(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
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
