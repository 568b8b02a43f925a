using Imguard.Dealer.Planning;
using Imguard.Dealer.Training;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;

namespace Imguard.Dealer.Tests.Planning;

public sealed class JobCostEstimatorTests
{
    private static readonly ModelSpec Spec = new([1, 6, 6], 4, [new("flatten"), new("linear", Out: 8), new("relu"), new("linear", Out: 4)]);

    [Fact]
    public async Task The_estimate_counts_one_steps_plan_and_scales_it_to_the_job()
    {
        var options = new TrainingOptions { Epochs = 3, BatchSize = 8, Hiding = new InstaHideOptions(HidingMode.InstaHide, 2) };
        var estimate = await JobCostEstimator.EstimateAsync(Spec, options, trainingCount: 20, FixedPointFormat.Default, comparisonBits: 32);

        Assert.Equal((3, 3, 9L), (estimate.Epochs, estimate.StepsPerEpoch, estimate.Steps));
        Assert.True(estimate.ItemsPerStep > 5);
        // Binary-circuit comparisons (the default): party 0 expands everything from its seed, so only party 1 gets
        // messages; for the 8×8 ReLU: 32 mask-bit planes + 55 AND products (1 word each for 64 elements), t and t·r.
        Assert.Equal(0, estimate.WordsPerStepToParty0);
        Assert.True(estimate.WordsPerStepToParty1 > 32 + 55 + 2 * 64);
        Assert.Equal(8 * (2 + 1) * (36 + 4), estimate.HidingWordsPerStepToParty1);    // M·(K+1)·(D+C)
        Assert.Equal(36 * 8 + 8 + 8 * 4 + 4, estimate.InitialParameterWords);
        Assert.True(estimate.PeerRoundsPerStep > 5);
        Assert.Equal(9 * (estimate.ItemsPerStep * 48L + estimate.WordsPerStepToParty0 * 8) + 3 * estimate.EpochPublicBytes, estimate.TotalBytesToParty0);
    }

    [Fact]
    public async Task Test_time_encodings_add_what_the_dealer_sends_for_them()
    {
        var options = new TrainingOptions { Epochs = 1, BatchSize = 8, Hiding = new InstaHideOptions(HidingMode.InstaHide, 3), TestEncodings = 4 };
        var clean = await JobCostEstimator.EstimateAsync(Spec, options with { TestEncodings = 0 }, trainingCount: 20, FixedPointFormat.Default, comparisonBits: 32, testCount: 13);
        var encoded = await JobCostEstimator.EstimateAsync(Spec, options, trainingCount: 20, FixedPointFormat.Default, comparisonBits: 32, testCount: 13);
        Assert.Equal(0, clean.TestEncodingWordsToParty1);

        // What the job's dealer really deals: every batch of every encoding, each party's wire form.
        using var dealer = new TrainingDealer(Spec, options, 20, FixedPointFormat.Default, testCount: 13);
        long words = 0, rowBytes0 = 0, rowBytes1 = 0;
        for (int t = 0; t < 4; t++)
        {
            for (int b = 0; b < dealer.TestEncodingBatches; b++)
            {
                var party0 = dealer.TestEncodingBatchFor(0, t, b);
                var party1 = dealer.TestEncodingBatchFor(1, t, b);
                words += party1.Message.Length;
                rowBytes0 += party0.Encode(t, b, 3).Length;
                rowBytes1 += party1.Encode(t, b, 3).Length;
            }
        }
        Assert.Equal(4L * 13 * (3 + 1) * 36, words);
        Assert.Equal(words, encoded.TestEncodingWordsToParty1);
        Assert.Equal(rowBytes0, encoded.TotalBytesToParty0 - clean.TotalBytesToParty0);
        Assert.Equal(rowBytes1, encoded.TotalBytesToParty1 - clean.TotalBytesToParty1);
    }

    [Fact]
    public void Message_sizes_follow_the_dealers_formulas()
    {
        Assert.Equal((0L, 5L), JobCostEstimator.MessageWords(RandomnessRequest.ElementwiseTriple(5)));
        Assert.Equal((0L, 6L), JobCostEstimator.MessageWords(RandomnessRequest.MatrixTriple(2, 9, 3)));
        Assert.Equal((0L, 10L), JobCostEstimator.MessageWords(RandomnessRequest.Truncation(5, 16)));
        var dealer = Mpc.Preprocessing.Dealer.CreateRandom();
        foreach (var request in new[]
        {
            RandomnessRequest.Sign(3, 32, false), RandomnessRequest.Sign(3, 64, true), RandomnessRequest.MatrixTriple(2, 9, 3),
            RandomnessRequest.BitSign(3, 32, false), RandomnessRequest.BitSign(130, 64, true), RandomnessRequest.BitSign(64, 2, true),
            RandomnessRequest.ConvolutionTriple(3, new Mpc.Ring.Conv2dGeometry(2, 7, 6, 3, 3, 1, 1), 4),
        })
        {
            var (m0, m1) = dealer.Generate(0, request);
            Assert.Equal(((long)m0.Length, (long)m1.Length), JobCostEstimator.MessageWords(request));
        }
    }
}
