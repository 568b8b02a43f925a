using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Loss;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Simulation;
using Xunit.Abstractions;

namespace Imguard.Learning.Tests.Nn.Loss;

public sealed class RevealedLossTests(ITestOutputHelper output)
{
    private static readonly double Ulp = SharedPlain.Format.Ulp;

    /// <summary>
    /// Softmax rows of random logits in [−6, 6] (on the fixed-point grid), with edge rows: a labelled class at
    /// probability 0, one at a single ulp, one at 1e-3, and a row that is exactly one-hot. Labels: one-hot or
    /// mixtures 1/2, 1/4, 1/8, 1/8 (exact in fixed point), as InstaHide and mixup produce.
    /// </summary>
    private static (PlainTensor Probabilities, PlainTensor Labels) Batch(Random rng, int batch, int classes)
    {
        var p = new PlainTensor(batch, classes);
        var y = new PlainTensor(batch, classes);
        double[] weights = [0.5, 0.25, 0.125, 0.125];
        for (int r = 0; r < batch; r++)
        {
            var logits = Enumerable.Range(0, classes).Select(_ => rng.NextDouble() * 12 - 6).ToArray();
            double total = logits.Sum(Math.Exp);
            for (int j = 0; j < classes; j++)
            {
                p.Data[r * classes + j] = Math.Round(Math.Exp(logits[j]) / total * SharedPlain.Format.Scale) / SharedPlain.Format.Scale;
            }
            if (r % 2 == 0)
            {
                y.Data[r * classes + rng.Next(classes)] = 1;
            }
            else
            {
                foreach (double w in weights)
                {
                    y.Data[r * classes + rng.Next(classes)] += w;
                }
            }
        }
        // Edge rows: labelled probability 0, 1 ulp and 1e-3 (rest on class 1), then an exact one-hot prediction.
        double[] small = [0, Ulp, Math.Round(1e-3 * SharedPlain.Format.Scale) / SharedPlain.Format.Scale];
        for (int r = 0; r < small.Length; r++)
        {
            Array.Clear(p.Data, r * classes, classes);
            Array.Clear(y.Data, r * classes, classes);
            p.Data[r * classes] = small[r];
            p.Data[r * classes + 1] = 1 - small[r];
            y.Data[r * classes] = 0.75;
            y.Data[r * classes + 1] = 0.25;
        }
        Array.Clear(p.Data, 3 * classes, classes);
        p.Data[3 * classes + 2] = 1;
        return (p, y);
    }

    [Fact]
    public async Task The_revealed_loss_matches_the_plaintext_loss_up_to_epsilon_and_is_the_same_for_both_parties()
    {
        var rng = new Random(31);
        const int batch = 64, classes = 10;
        var (p, y) = Batch(rng, batch, classes);
        double plain = SoftmaxCrossEntropy.Loss(p, y);
        // The ε-shifted loss the protocol approximates, and ε's effect against the plaintext loss (computed exactly).
        double epsilon = SharedPlain.Format.Decode(SharedPlain.Format.Encode(SoftmaxCrossEntropy.RevealedLossEpsilon));
        double shifted = 0, bias = 0;
        for (int i = 0; i < p.Length; i++)
        {
            shifted -= y.Data[i] * Math.Log(p.Data[i] + epsilon);
            bias += y.Data[i] * (Math.Log(p.Data[i] + epsilon) - Math.Log(Math.Max(p.Data[i], 1e-12)));
        }
        shifted /= batch;
        bias /= batch;

        var (sp, sy) = (SharedPlain.Share(p), SharedPlain.Share(y));
        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            double loss = await SoftmaxCrossEntropy.RevealLossAsync(new SecureEngine(ctx), SharedPlain.Pick(ctx.PartyId, sp), SharedPlain.Pick(ctx.PartyId, sy));
            return (loss, (ctx.Statistics.Snapshot() - before).Rounds);
        });
        Assert.Equal(r0.loss, r1.loss);                                                // one opened value, the same for both
        double error = Math.Abs(r0.loss - shifted);
        output.WriteLine($"loss {plain:F6} plaintext, {shifted:F6} with ε, {r0.loss:F6} secure: error {error / Ulp:F2} ulps; ε's bias {bias:E3}");
        // Stated bound: the log's 4 ulps per term, weighted by labels summing to 1 per row, plus < 1 ulp of
        // truncation (divided by B) — 5 ulps. Measured ≤ 0.2 ulps: the terms' rounding errors largely cancel.
        Assert.InRange(error, 0, 5 * Ulp);
        Assert.InRange(Math.Abs(r0.loss - (plain - bias)), 0, 5 * Ulp);                // against SoftmaxCrossEntropy.Loss
        int logRounds = 2 * Functions.ExpIterations + 1 + (2 * Functions.ExpIterations + 8) * Functions.LogIterations;
        Assert.Equal(logRounds + 3, r0.Rounds);                                        // log, product, truncation, opening
    }

    [Fact]
    public async Task Mismatched_shapes_are_refused_before_anything_is_sent()
    {
        var (sp, sy) = (SharedPlain.Share(new PlainTensor(4, 3)), SharedPlain.Share(new PlainTensor(4, 2)));
        await TwoPartySimulation.RunAsync(async ctx =>
        {
            await Assert.ThrowsAsync<ArgumentException>(() =>
                SoftmaxCrossEntropy.RevealLossAsync(new SecureEngine(ctx), SharedPlain.Pick(ctx.PartyId, sp), SharedPlain.Pick(ctx.PartyId, sy)).AsTask());
            Assert.Equal(0, ctx.Statistics.Snapshot().Rounds);
            return 0;
        });
    }
}
