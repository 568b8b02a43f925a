using Imguard.Learning.Data;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Simulation;

namespace Imguard.Learning.Tests.Data;

/// <summary>
/// Per-channel Σx and Σx² on shares against plaintext (issue 17, item 3). The bound: Σx exact on the encoded values,
/// Σx² within batches · 2^−f of the encoded values' exact sum (one truncation per batch, less than one ulp each).
/// Several owners' batches of different sizes stand for the union; only the 2·C sums are opened.
/// </summary>
public sealed class SecureChannelMomentsTests
{
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;

    [Theory]
    [InlineData(1, 28, 28, new[] { 50, 7, 129 })]   // three owners of Fashion-MNIST-shaped images
    [InlineData(3, 8, 8, new[] { 16, 1, 40, 3 })]    // colour images, four owners, a single-image batch
    public async Task The_opened_sums_match_plaintext_within_the_stated_bound(int channels, int height, int width, int[] batchRows)
    {
        var rng = new Random(channels * 1000 + height); // test data only
        int perImage = channels * height * width;
        // Standardised-looking values: per channel a different mean and spread, some near the batch bound's magnitude.
        var batches = batchRows.Select(rows => Enumerable.Range(0, rows * perImage)
            .Select(i => (i / (height * width) % channels) switch { 0 => rng.NextDouble() * 2 - 0.5, 1 => (rng.NextDouble() - 0.5) * 12, _ => rng.NextDouble() * 0.1 })
            .ToArray()).ToList();
        var shared = batches.Select((values, b) =>
        {
            var secret = new RingTensor(Format.Encode(values), batchRows[b], perImage);
            return SecretSharer.Split(secret);
        }).ToList();

        var (m0, m1) = await TwoPartySimulation.RunAsync(ctx => SecureChannelMoments.ComputeAsync(ctx,
            Batches(shared.Select(s => new SharedTensor(ctx.PartyId, ctx.PartyId == 0 ? s.Item1 : s.Item2, Format))), channels).AsTask());

        Assert.Equal(m0.Sum, m1.Sum);
        Assert.Equal(m0.SumOfSquares, m1.SumOfSquares);
        Assert.Equal((long)batchRows.Sum() * height * width, m0.Count);

        // Plaintext on the encoded values (what the parties hold): Σx exactly, Σx² within batches · 2^-f.
        double ulp = 1.0 / (1L << Format.FractionalBits);
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            foreach (double[] values in batches)
            {
                for (int i = 0; i < values.Length; i++)
                {
                    if (i / (height * width) % channels == c)
                    {
                        double encoded = Format.Decode(Format.Encode(values[i]));
                        sum += encoded;
                        squares += encoded * encoded;
                    }
                }
            }
            Assert.Equal(sum, m0.Sum[c], 1e-9);
            Assert.InRange(Math.Abs(m0.SumOfSquares[c] - squares), 0, batchRows.Length * ulp + 1e-9);
        }
    }

    [Fact]
    public async Task Mean_and_deviation_are_those_of_the_union_not_of_any_one_owner()
    {
        // Owner A's pixels are all 0.2, owner B's all 0.8, in batches of different sizes: the union's mean is their
        // weighted mean and its deviation the spread between them, which neither owner's own statistics show.
        double[] a = Enumerable.Repeat(0.2, 30 * 16).ToArray(), b = Enumerable.Repeat(0.8, 10 * 16).ToArray();
        var shares = new[] { (a, 30), (b, 10) }.Select(t => SecretSharer.Split(new RingTensor(Format.Encode(t.Item1), t.Item2, 16))).ToList();

        var (m0, _) = await TwoPartySimulation.RunAsync(ctx => SecureChannelMoments.ComputeAsync(ctx,
            Batches(shares.Select(s => new SharedTensor(ctx.PartyId, ctx.PartyId == 0 ? s.Item1 : s.Item2, Format))), channels: 1).AsTask());

        double mean = (0.2 * 30 + 0.8 * 10) / 40, variance = (30 * 0.04 + 10 * 0.64) / 40 - mean * mean;
        Assert.Equal(mean, m0.Mean[0], 4);
        Assert.Equal(Math.Sqrt(variance), m0.StandardDeviation[0], 4);
    }

    [Fact]
    public async Task Only_the_two_sums_per_channel_are_opened_beyond_the_masked_products()
    {
        // Rounds: per batch 1 (product) + 1 (truncation); then 1 opening of 2·C words.
        var shares = SecretSharer.Split(new RingTensor(Format.Encode(new double[3 * 2 * 4]), 3, 2 * 4));
        var (r0, _) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            await SecureChannelMoments.ComputeAsync(ctx, Batches([new SharedTensor(ctx.PartyId, ctx.PartyId == 0 ? shares.Item1 : shares.Item2, Format)]), channels: 2);
            return ctx.Statistics.Snapshot().Rounds;
        });
        Assert.Equal(3L, r0);
    }

    [Fact]
    public async Task A_batch_whose_width_does_not_split_into_the_channels_is_refused()
    {
        var shares = SecretSharer.Split(new RingTensor(new ulong[2 * 5], 2, 5));
        await Assert.ThrowsAsync<ArgumentException>(() => TwoPartySimulation.RunAsync(ctx =>
            SecureChannelMoments.ComputeAsync(ctx, Batches([new SharedTensor(ctx.PartyId, ctx.PartyId == 0 ? shares.Item1 : shares.Item2, Format)]), channels: 2).AsTask()));
    }

    private static async IAsyncEnumerable<SharedTensor> Batches(IEnumerable<SharedTensor> batches)
    {
        foreach (SharedTensor batch in batches)
        {
            await Task.Yield();
            yield return batch;
        }
    }
}
