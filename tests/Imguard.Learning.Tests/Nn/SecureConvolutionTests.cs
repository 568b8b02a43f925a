using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Pooling;
using Imguard.Mpc.Simulation;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Tests.Nn;

public sealed class SecureConvolutionTests
{
    private static readonly double Ulp = SharedPlain.Format.Ulp;

    [Fact]
    public async Task Conv2d_forward_and_backward_match_plaintext_within_one_ulp_per_product()
    {
        var rng = new Random(7);
        var x = SharedPlain.Random(rng, 3, 2, 2, 7, 6);
        var w = SharedPlain.Random(rng, 1, 4, 2, 3, 3);
        var b = SharedPlain.Random(rng, 1, 4);
        var plain = new Conv2d<PlainTensor>(w, b, stride: 2, padding: 1);
        var y = await plain.ForwardAsync(PlainEngine.Instance, x);
        var gy = SharedPlain.Random(rng, 2, y.Shape.ToArray());
        var gx = await plain.BackwardAsync(PlainEngine.Instance, gy);

        var (sx, sw, sb, sgy) = (SharedPlain.Share(x), SharedPlain.Share(w), SharedPlain.Share(b), SharedPlain.Share(gy));
        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx);
            var layer = new Conv2d<SharedTensor>(SharedPlain.Pick(ctx.PartyId, sw), SharedPlain.Pick(ctx.PartyId, sb), stride: 2, padding: 1);
            var sy = await layer.ForwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sx));
            var sgx = await layer.BackwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sgy));
            return new[] { sy, sgx, layer.Weight.Gradient!, layer.Bias.Gradient! };
        });
        var expected = new[] { y, gx, plain.Weight.Gradient!, plain.Bias.Gradient! };
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Shape.ToArray(), r0[i].Shape.ToArray());
            // Grid inputs: exact ring products, one truncation per matmul; col2im sums at most KH·KW truncated terms.
            Assert.InRange(SharedPlain.MaxAbsDifference(expected[i], SharedPlain.Open(r0[i], r1[i])), 0, 9 * Ulp);
        }
    }

    [Fact]
    public async Task AvgPool2d_forward_and_backward_match_plaintext()
    {
        var rng = new Random(8);
        var x = SharedPlain.Random(rng, 20, 2, 3, 6, 8);
        var pool = new AvgPool2d<PlainTensor>(2);
        var y = await pool.ForwardAsync(PlainEngine.Instance, x);
        var gy = SharedPlain.Random(rng, 2, y.Shape.ToArray());
        var gx = await pool.BackwardAsync(PlainEngine.Instance, gy);
        var (sx, sgy) = (SharedPlain.Share(x), SharedPlain.Share(gy));
        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var engine = new SecureEngine(ctx);
            var layer = new AvgPool2d<SharedTensor>(2);
            var sy = await layer.ForwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sx));
            return (sy, await layer.BackwardAsync(engine, SharedPlain.Pick(ctx.PartyId, sgy)));
        });
        // Forward: the pooling protocol's bound, 1.5 ulp + |window sum|·2^-25; backward: one truncation (< 1 ulp) after an exact spread.
        Assert.InRange(SharedPlain.MaxAbsDifference(y, SharedPlain.Open(r0.Item1, r1.Item1)), 0, 1.5 * Ulp + 4 * 20 * Math.ScaleB(1, -25));
        Assert.InRange(SharedPlain.MaxAbsDifference(gx, SharedPlain.Open(r0.Item2, r1.Item2)), 0, Ulp);
    }
}
