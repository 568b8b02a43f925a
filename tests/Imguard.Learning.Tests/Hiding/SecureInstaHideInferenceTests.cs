using Imguard.Dealer.Hiding;
using Imguard.Dealer.Training;
using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Tests.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Simulation;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>
/// "InstaHide in inference" on shares against its plaintext reference (<see cref="InstaHideInference"/>) under the
/// same randomness: the dealer's <see cref="TestEncodingPlan"/> drawn from the PRG the reference encodes with.
/// </summary>
public sealed class SecureInstaHideInferenceTests
{
    private static readonly ModelSpec Small = new([1, 8, 8], 10, [new("flatten"), new("linear", Out: 12), new("relu"), new("linear", Out: 10)]);
    private const int Scope = SecureInstaHideInference.FirstScope;

    [Theory]
    [InlineData(HidingMode.InstaHide)]
    [InlineData(HidingMode.Mixup)]
    public async Task Secure_test_encodings_reconstruct_to_the_reference_encodings(HidingMode mode)
    {
        var (train, test) = Data(train: 13, test: 7);
        var options = new TestEncodingOptions(new InstaHideOptions(mode, 4), encodings: 2, ownCoefficientMin: 0.3);
        const int batchSize = 3;
        var seed0 = Seed.Random();
        var seed1 = Seed.Random();
        var planSeed = new Seed(5, 6);
        using var plan = TestEncodingPlan.Draw(options, test.Count, train.Count, test.ImageSize, new AesCtrPrg(planSeed));
        var f = SharedPlain.Format;
        var (t0, t1) = SharedDataset.Share(test, f);
        var (p0, p1) = SharedDataset.Share(train, f);

        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var seed = ctx.PartyId == 0 ? seed0 : seed1;
            var table = await SecureInstaHideInference.OpenTableAsync(ctx, ctx.PartyId == 0 ? t0 : t1, ctx.PartyId == 0 ? p0 : p1, seed, Scope);
            var encoded = new List<SharedTensor>();
            for (int t = 0; t < options.Encodings; t++)
            {
                for (int b = 0; b < plan.BatchesPerEncoding(batchSize); b++)
                {
                    var message = ctx.PartyId == 1 ? plan.BatchMessage(seed0, seed1, Scope, t, b, batchSize, f) : [];
                    encoded.Add(await SecureInstaHideInference.EncodeBatchAsync(
                        ctx, table, seed, plan.BatchId(t, b, batchSize), plan.BatchTableRows(t, b, batchSize), plan.K, message, [1, 8, 8]));
                }
            }
            return encoded;
        }, f);

        // The reference encodes with the same PRG, encoding after encoding.
        var prg = new AesCtrPrg(planSeed);
        double largest = test.Pixels.Concat(train.Pixels).Max(v => Math.Abs(v));
        double bound = (4 * largest / 2 + 1) * f.Ulp;   // (Σ_j|x_j|/2 + 1)·2^-f per scalar
        int d = test.ImageSize, next = 0;
        for (int t = 0; t < options.Encodings; t++)
        {
            var reference = InstaHideInference.EncodeOnce(test, train, options, prg);
            for (int start = 0; start < test.Count; start += batchSize, next++)
            {
                var secure = SharedPlain.Open(r0[next], r1[next]);
                int count = Math.Min(batchSize, test.Count - start);
                Assert.Equal([count, 1, 8, 8], secure.Shape.ToArray());
                for (int i = 0; i < count * d; i++)
                {
                    Assert.InRange(Math.Abs(secure.Data[i] - reference[start * d + i]), 0, bound);
                }
            }
        }
    }

    [Fact]
    public async Task Secure_instahide_inference_predicts_what_the_reference_predicts()
    {
        var (train, test) = Data(train: 40, test: 24);
        var options = new TestEncodingOptions(InstaHideOptions.Default, encodings: 3);
        const int batchSize = 10;
        var seed0 = Seed.Random();
        var seed1 = Seed.Random();
        var planSeed = new Seed(8, 1);
        IReadOnlyList<PlainTensor> weights;
        using (var prg = new AesCtrPrg(new Seed(2, 2)))
        {
            // Scaled up from the initialisation so that the untrained model has clear winners to agree on.
            weights = ModelBuilder.InitialParameters(Small, prg).Select(w => new PlainTensor(w.Data.Select(v => 4 * v).ToArray(), w.Shape.ToArray())).ToArray();
        }
        var plainModel = ModelBuilder.Build(Small, weights.Select(w => w.Clone()).ToArray());
        var sums = await ReferenceProbabilitySumsAsync(plainModel, test, train, options, planSeed);
        using var plan = TestEncodingPlan.Draw(options, test.Count, train.Count, test.ImageSize, new AesCtrPrg(planSeed));
        var f = SharedPlain.Format;
        var (t0, t1) = SharedDataset.Share(test, f);
        var (p0, p1) = SharedDataset.Share(train, f);
        var weightShares = weights.Select(SharedPlain.Share).ToArray();

        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var model = ModelBuilder.Build<SharedTensor>(Small, weightShares.Select(w => SharedPlain.Pick(ctx.PartyId, w)).ToArray());
            return await SecureInstaHideInference.EvaluateAsync(
                new SecureEngine(ctx), model, ctx.PartyId == 0 ? t0 : t1, ctx.PartyId == 0 ? p0 : p1, ctx.PartyId == 0 ? seed0 : seed1, Scope,
                options.Encodings, plan.K, batchSize,
                (t, b, _) => ValueTask.FromResult((plan.BatchTableRows(t, b, batchSize), ctx.PartyId == 1 ? plan.BatchMessage(seed0, seed1, Scope, t, b, batchSize, f) : (ulong[])[])));
        }, f, timeout: TimeSpan.FromMinutes(3));
        var result = EvaluationResult.Reconstruct(r0, r1, test.Labels);

        var expected = await InstaHideInference.PredictAsync(plainModel, test, train, options, new AesCtrPrg(planSeed));
        int decided = 0;
        for (int i = 0; i < test.Count; i++)
        {
            // The secure softmax is within 1e-2 per probability, so a sum of 3 within 3e-2 (plus the encodings' and
            // products' ulps): where the reference's top two sums are further apart than twice that, the arg-max agrees.
            var row = sums.AsSpan(i * 10, 10).ToArray();
            var sorted = row.OrderDescending().ToArray();
            if (sorted[0] - sorted[1] > 0.07)
            {
                decided++;
                Assert.Equal(expected[i], result.Predicted[i]);
            }
        }
        Assert.True(decided >= test.Count / 2, $"only {decided} of {test.Count} rows had a clear winner");
        Assert.True(result.Predicted.Zip(expected).Count(p => p.First == p.Second) >= test.Count * 3 / 4);
        Assert.Equal(result.Predicted.Zip(test.Labels).Count(p => p.First == p.Second), result.Correct);
    }

    [Fact]
    public async Task A_table_scope_below_the_test_range_is_refused()
    {
        var (train, test) = Data(train: 4, test: 2);
        var (t0, _) = SharedDataset.Share(test, SharedPlain.Format);
        var (p0, _) = SharedDataset.Share(train, SharedPlain.Format);
        var (c0, _) = Mpc.Transport.InMemoryPeerChannel.CreatePair();
        var ctx = new Mpc.Protocols.PartyContext(0, c0, Mpc.Preprocessing.InProcessDealer.CreatePair().Party0, SharedPlain.Format);
        await Assert.ThrowsAsync<ArgumentException>(async () => await SecureInstaHideInference.OpenTableAsync(ctx, t0, p0, Seed.Random(), scope: 3));
    }

    /// <summary>The reference's softmax summed over the plan's encodings, per test image and class (the margins predictions are compared at).</summary>
    internal static async Task<double[]> ReferenceProbabilitySumsAsync(
        Sequential<PlainTensor> model, LabeledImages test, LabeledImages train, TestEncodingOptions options, Seed planSeed)
    {
        var prg = new AesCtrPrg(planSeed);
        int c = test.ClassCount;
        var sums = new double[test.Count * c];
        for (int t = 0; t < options.Encodings; t++)
        {
            var encoded = InstaHideInference.EncodeOnce(test, train, options, prg);
            var logits = await model.ForwardAsync(PlainEngine.Instance, new PlainTensor(encoded, test.Count, test.Channels, test.Height, test.Width));
            for (int i = 0; i < test.Count; i++)
            {
                var row = logits.Data.AsSpan(i * c, c);
                double max = row.ToArray().Max(), total = 0;
                foreach (double v in row) total += Math.Exp(v - max);
                for (int j = 0; j < c; j++) sums[i * c + j] += Math.Exp(row[j] - max) / total;
            }
        }
        return sums;
    }

    private static (LabeledImages Train, LabeledImages Test) Data(int train, int test)
    {
        var all = SyntheticShapes.Generate(train + test, side: 8);
        var standardization = Standardization.Fit(all.Slice(0, train));
        return (standardization.Apply(all.Slice(0, train)), standardization.Apply(all.Slice(train, test)));
    }
}
