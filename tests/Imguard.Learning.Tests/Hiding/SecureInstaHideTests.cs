using Imguard.Dealer.Hiding;
using Imguard.Dealer.Training;
using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Tests.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Simulation;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>The secure encoder against the plaintext reference under the same plan (test-properties: secure == reference).</summary>
public sealed class SecureInstaHideTests
{
    private const int Classes = 3;

    [Theory]
    [InlineData(HidingMode.InstaHide, 4)]
    [InlineData(HidingMode.Mixup, 2)]
    [InlineData(HidingMode.Off, 1)]
    public async Task Secure_encoding_reconstructs_to_the_reference_encoding_under_the_same_plan(HidingMode mode, int k)
    {
        var options = new InstaHideOptions(mode, k);
        var data = Dataset(count: 11, new Random(3));
        const int batchSize = 4;
        var f = SharedPlain.Format;
        var (d0, d1) = SharedDataset.Share(data, f);
        var trainingOptions = new TrainingOptions { BatchSize = batchSize, Hiding = options };
        using var dealer = new TrainingDealer(Spec(), trainingOptions, data.Count, f, drawPlan: epoch => HidingTestSupport.Draw(options, data.Count, data.ImageSize, 100 + (ulong)epoch));
        var inProcess = new InProcessTrainingDealer(dealer);

        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var source = new SecureBatchSource(ctx, ctx.PartyId == 0 ? d0 : d1, inProcess.FeedFor(ctx.PartyId), batchSize);
            var batches = new List<(Mpc.Sharing.SharedTensor, Mpc.Sharing.SharedTensor)>();
            for (int epoch = 0; epoch < 2; epoch++)
            {
                int count = await source.BeginEpochAsync(epoch, CancellationToken.None);
                for (int b = 0; b < count; b++)
                {
                    batches.Add(await source.BatchAsync(b, CancellationToken.None));
                }
            }
            return batches;
        }, f);

        var reference = new PlainBatchSource(data, options, batchSize, epoch => HidingTestSupport.Draw(options, data.Count, data.ImageSize, 100 + (ulong)epoch));
        int next = 0;
        double bound = (k * 3.0 / 2 + 1) * f.Ulp;      // |x| ≤ 3 here: (Σ_j|x_j|/2 + 1)·2^-f
        for (int epoch = 0; epoch < 2; epoch++)
        {
            int count = await reference.BeginEpochAsync(epoch, CancellationToken.None);
            Assert.Equal(3, count);
            for (int b = 0; b < count; b++, next++)
            {
                var (images, labels) = await reference.BatchAsync(b, CancellationToken.None);
                var secureImages = SharedPlain.Open(r0[next].Item1, r1[next].Item1);
                var secureLabels = SharedPlain.Open(r0[next].Item2, r1[next].Item2);
                Assert.Equal(images.Shape.ToArray(), secureImages.Shape.ToArray());
                Assert.InRange(SharedPlain.MaxAbsDifference(images, secureImages), 0, mode == HidingMode.Off ? 0 : bound);
                Assert.InRange(SharedPlain.MaxAbsDifference(labels, secureLabels), 0, mode == HidingMode.Off ? 0 : (k / 2.0 + 1) * f.Ulp);
            }
        }
        Assert.Equal(6, next);
    }

    [Fact]
    public async Task Each_party_alone_holds_a_uniform_share_of_the_encoding_and_nothing_is_opened_but_the_padded_table()
    {
        var options = new InstaHideOptions(HidingMode.InstaHide, 4);
        var data = Dataset(count: 40, new Random(5));
        var f = SharedPlain.Format;
        var (d0, d1) = SharedDataset.Share(data, f);
        using var dealer = new TrainingDealer(Spec(), new TrainingOptions { BatchSize = 40, Hiding = options }, data.Count, f);
        var inProcess = new InProcessTrainingDealer(dealer);
        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            var source = new SecureBatchSource(ctx, ctx.PartyId == 0 ? d0 : d1, inProcess.FeedFor(ctx.PartyId), 40);
            await source.BeginEpochAsync(0, CancellationToken.None);
            var batch = await source.BatchAsync(0, CancellationToken.None);
            return (batch, ctx.Statistics.Snapshot());
        }, f);
        // A share of a small value is uniform in the ring: about half of the top bits set.
        double topBits = r1.batch.Inputs.Share.Data.Average(w => (double)(w >> 63));
        Assert.InRange(topBits, 0.4, 0.6);
        // Rounds: the table opening (1) and the batch's truncation (1).
        Assert.Equal(2, r0.Item2.Rounds);
        var opened = SharedPlain.Open(r0.batch.Inputs, r1.batch.Inputs);
        Assert.Equal([40, 1, 4, 4], opened.Shape.ToArray());
    }

    internal static ModelSpec Spec() => new([1, 4, 4], Classes, [new("flatten"), new("linear", Out: Classes)]);

    /// <summary>Standardised-looking images (values in [−1, 3]) on the fixed-point grid, and labels.</summary>
    internal static LabeledImages Dataset(int count, Random rng)
    {
        var pixels = new float[count * 16];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)(Math.Round((rng.NextDouble() * 4 - 1) * 256) / 256);
        }
        var labels = Enumerable.Range(0, count).Select(i => i % Classes).ToArray();
        return new LabeledImages(pixels, labels, 1, 4, 4, ["a", "b", "c"]);
    }
}
