using Imguard.Learning.Nn;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Simulation;

namespace Imguard.Learning.Tests.Nn;

/// <summary>
/// A training step's backward stops at the lowest layer with parameters and skips its input gradient: the same
/// parameter gradients as the full backward, one matrix product (2 rounds on shares: product and truncation) fewer.
/// </summary>
public sealed class BackwardParametersTests
{
    private static readonly ModelSpec SmallCnn = new([1, 8, 8], 3,
        [new("conv2d", Out: 2, Kernel: 3), new("relu"), new("avgpool2d", Kernel: 2), new("flatten"), new("linear", Out: 3)]);

    public static TheoryData<string> Models => ["mlp", "cnn"];

    private static ModelSpec SpecOf(string name) => name == "mlp" ? ModelSpec.Mlp : SmallCnn;

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Parameter_gradients_equal_those_of_the_full_backward(string name)
    {
        var spec = SpecOf(name);
        var (x, gradient, parameters) = Inputs(spec);
        var full = ModelBuilder.Build(spec, parameters.Select(p => p.Clone()).ToArray());
        var partial = ModelBuilder.Build(spec, parameters.Select(p => p.Clone()).ToArray());
        await full.ForwardAsync(PlainEngine.Instance, x);
        await full.BackwardAsync(PlainEngine.Instance, gradient);
        await partial.ForwardAsync(PlainEngine.Instance, x);
        await partial.BackwardParametersAsync(PlainEngine.Instance, gradient);
        for (int i = 0; i < full.Parameters.Count; i++)
        {
            Assert.Equal(full.Parameters[i].Gradient!.Data, partial.Parameters[i].Gradient!.Data);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task On_shares_it_saves_the_lowest_layers_input_product(string name)
    {
        var spec = SpecOf(name);
        var (x, gradient, parameters) = Inputs(spec);
        var sx = SharedPlain.Share(x);
        var sg = SharedPlain.Share(gradient);
        var sp = parameters.Select(SharedPlain.Share).ToArray();
        var (rounds, _) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx);
            async Task<long> BackwardRounds(bool parametersOnly)
            {
                var model = ModelBuilder.Build(spec, sp.Select(p => SharedPlain.Pick(ctx.PartyId, p)).ToArray());
                await model.ForwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sx));
                var before = ctx.Statistics.Snapshot();
                if (parametersOnly)
                {
                    await model.BackwardParametersAsync(engine, SharedPlain.Pick(ctx.PartyId, sg));
                }
                else
                {
                    await model.BackwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sg));
                }
                return (ctx.Statistics.Snapshot() - before).Rounds;
            }
            return (await BackwardRounds(false), await BackwardRounds(true));
        }, SharedPlain.Format, comparisonBits: 32);
        Assert.Equal(rounds.Item1 - 2, rounds.Item2);
    }

    private static (PlainTensor X, PlainTensor Gradient, IReadOnlyList<PlainTensor> Parameters) Inputs(ModelSpec spec)
    {
        var rng = new Random(3);
        var x = SharedPlain.Random(rng, 1.5, [4, .. spec.Input]);
        var gradient = SharedPlain.Random(rng, 0.2, 4, spec.Classes);
        using var prg = new AesCtrPrg(new Seed(4, 5));
        return (x, gradient, ModelBuilder.InitialParameters(spec, prg));
    }
}
