using Imguard.Learning.Data;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Simulation;
using Imguard.Mpc.Transport;
using Xunit.Abstractions;

namespace Imguard.Learning.Tests.Data;

/// <summary>
/// One standardisation for the union on shares against plaintext (issue 17, item 3). Bounds, with ulp = 2^−f, against
/// the values the parties hold (each owner's encoded shares, a disclosed one mapped back in double): μ within 2 ulp (one
/// truncation and the shift's rounding per disclosed value, exact for raw ones), σ within 8 ulp/σ (the same errors
/// through Σx²/n − μ²), each standardised value within 2 ulp of (x − μ)/σ computed with the opened μ and σ (one
/// truncation, the shift's and the scale's rounding). A union of raw datasets gives the plaintext statistics bit for bit.
/// </summary>
public sealed class UnionStandardizationTests(ITestOutputHelper output)
{
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;
    private static readonly double Ulp = Format.Ulp;

    /// <summary>An owner's images: raw pixels p/255 and what the owner's client shared (raw or standardised with its own statistics, in float as clients do).</summary>
    private sealed record Owner(double[] Pixels, int Rows, Standardization? Disclosed)
    {
        public ulong[] Encoded(int channels, int area) => Format.Encode(Shared(channels, area));

        public double[] Shared(int channels, int area) => [.. Pixels.Select((x, i) => Disclosed is { } s
            ? (double)(float)((x - s.Mean[i / area % channels]) / s.Std[i / area % channels])
            : x)];

        /// <summary>What the parties' shares hold, mapped back to raw scale in double: z̃·s + m for a disclosed owner, x̃ for a raw one.</summary>
        public double[] Held(int channels, int area) => [.. Format.Decode(Encoded(channels, area)).Select((z, i) => Disclosed is { } s
            ? z * s.Std[i / area % channels] + s.Mean[i / area % channels]
            : z)];
    }

    private static Owner MakeOwner(Random rng, int rows, int channels, int area, bool disclose)
    {
        // Each channel has its own brightness range, and the owners differ, so the union's statistics are neither's.
        double[] pixels = [.. Enumerable.Range(0, rows * channels * area).Select(i =>
            Math.Round(255 * Math.Min(1, (i / area % channels) * 0.2 + rng.NextDouble() * (disclose ? 0.5 : 0.7))) / 255)];
        if (!disclose)
        {
            return new Owner(pixels, rows, null);
        }
        var mean = new double[channels];
        var std = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double[] values = [.. pixels.Where((_, i) => i / area % channels == c)];
            mean[c] = values.Average();
            std[c] = Math.Sqrt(values.Select(v => (v - mean[c]) * (v - mean[c])).Average());
        }
        return new Owner(pixels, rows, new Standardization(mean, std));
    }

    [Theory]
    [InlineData(3, 4, 4, 20, 12, 8)]   // colour: a raw owner, a disclosed owner, a disclosed test set
    [InlineData(1, 28, 28, 40, 30, 10)] // Fashion-MNIST-shaped, batches of several rows
    public async Task A_raw_and_a_disclosed_owner_and_a_test_set_are_standardised_with_the_unions_statistics_within_the_stated_bounds(
        int channels, int height, int width, int rawRows, int disclosedRows, int testRows)
    {
        int area = height * width, d = channels * area;
        var rng = new Random(channels * 100 + rawRows); // test data only
        Owner alice = MakeOwner(rng, rawRows, channels, area, disclose: false), bob = MakeOwner(rng, disclosedRows, channels, area, disclose: true);
        Owner carol = MakeOwner(rng, testRows, channels, area, disclose: true);
        var train = SecretSharer.Split(new RingTensor([.. alice.Encoded(channels, area), .. bob.Encoded(channels, area)], rawRows + disclosedRows, d));
        var test = SecretSharer.Split(new RingTensor(carol.Encoded(channels, area), testRows, d));
        ScaledRows[] runs = [new(0, rawRows), new(rawRows, disclosedRows, bob.Disclosed)];

        var (r0, r1) = await TwoPartySimulation.RunAsync(async ctx =>
        {
            SharedTensor mine = Mine(ctx, train), myTest = Mine(ctx, test);
            UnionStatistics stats = await UnionStandardization.ComputeStatisticsAsync(ctx, mine, channels, runs);
            SharedTensor z = await UnionStandardization.StandardizeAsync(ctx, mine, channels, runs, stats.Standardization);
            SharedTensor zTest = await UnionStandardization.StandardizeAsync(ctx, myTest, channels, [new(0, testRows, carol.Disclosed)], stats.Standardization);
            return (stats, z, zTest);
        });

        // Both parties opened the same numbers.
        Assert.Equal(r0.stats.Standardization.Mean, r1.stats.Standardization.Mean);
        Assert.Equal(r0.stats.Standardization.Std, r1.stats.Standardization.Std);
        Assert.Equal((long)(rawRows + disclosedRows) * area, r0.stats.ValuesPerChannel);
        double[] mean = r0.stats.Standardization.Mean, std = r0.stats.Standardization.Std;

        // Statistics: against the values the parties hold, and against the owners' raw pixels.
        double[] held = [.. alice.Held(channels, area), .. bob.Held(channels, area)];
        double[] pixels = [.. alice.Pixels, .. bob.Pixels];
        var (heldMean, heldStd) = Plain(held, channels, area);
        var (trueMean, trueStd) = Plain(pixels, channels, area);
        for (int c = 0; c < channels; c++)
        {
            output.WriteLine($"channel {c}: μ {mean[c]:F8} (held {heldMean[c]:F8}, pixels {trueMean[c]:F8}); σ {std[c]:F8} (held {heldStd[c]:F8}, pixels {trueStd[c]:F8})");
            Assert.InRange(Math.Abs(mean[c] - heldMean[c]), 0, 2 * Ulp);
            Assert.InRange(Math.Abs(std[c] - heldStd[c]), 0, 8 * Ulp / heldStd[c]);
            // The owners' own pixels differ from what they shared by an encoding's rounding (half an ulp, times s for a disclosed one).
            Assert.InRange(Math.Abs(mean[c] - trueMean[c]), 0, 3 * Ulp);
            Assert.InRange(Math.Abs(std[c] - trueStd[c]), 0, 12 * Ulp / trueStd[c]);
        }

        // Every standardised value, training and test, within 2 ulp of (x − μ)/σ with the opened μ and σ.
        double worst = 0;
        foreach (var (shares, values) in new[] { ((r0.z, r1.z), held), ((r0.zTest, r1.zTest), carol.Held(channels, area)) })
        {
            double[] secure = Format.Decode(SecretSharer.Reconstruct(shares.Item1.Share, shares.Item2.Share).Span);
            Assert.Equal(values.Length, secure.Length);
            for (int i = 0; i < secure.Length; i++)
            {
                int c = i / area % channels;
                worst = Math.Max(worst, Math.Abs(secure[i] - (values[i] - mean[c]) / std[c]));
            }
        }
        output.WriteLine($"max |z' − plaintext| = {worst / Ulp:F2} ulp");
        Assert.InRange(worst, 0, 2 * Ulp);
    }

    [Fact]
    public async Task A_union_of_raw_datasets_gives_the_plaintext_statistics_of_the_shared_values_bit_for_bit_in_every_run()
    {
        const int channels = 2, area = 9, rows = 37;
        var rng = new Random(5); // test data only
        double[] values = [.. Enumerable.Range(0, rows * channels * area).Select(_ => rng.Next(256) / 255.0)];
        ulong[] encoded = Format.Encode(values);
        ScaledRows[] runs = [new(0, 20), new(20, 17)];

        var first = await RunStatisticsAsync(encoded, rows, channels, runs);
        var second = await RunStatisticsAsync(encoded, rows, channels, runs);

        // Plaintext with the same formula on the exact integer sums of the encoded values.
        long n = rows * area;
        for (int c = 0; c < channels; c++)
        {
            long sum = 0;
            Int128 squares = 0;
            for (int i = 0; i < encoded.Length; i++)
            {
                if (i / area % channels == c)
                {
                    long v = (long)encoded[i];
                    sum += v;
                    squares += (Int128)v * v;
                }
            }
            double scale = n * Format.Scale;
            Assert.Equal(sum / scale, first.Standardization.Mean[c]);
            Assert.Equal(Math.Sqrt((double)(n * squares - (Int128)sum * sum)) / scale, first.Standardization.Std[c]);
            Assert.Equal(first.Standardization.Mean[c], second.Standardization.Mean[c]);
            Assert.Equal(first.Standardization.Std[c], second.Standardization.Std[c]);
        }
    }

    [Fact]
    public async Task A_union_too_large_for_exact_sums_is_refused_before_anything_is_exchanged_and_one_at_the_bound_is_exact()
    {
        // At f = 28, n·(1.0625·2^28 + 1)² < 2^63 holds up to n = 113.
        var format = new FixedPointFormat(28);
        long limit = UnionStandardization.MaxValuesPerChannel(format);
        Assert.Equal(113, limit);

        double[] AtMostOne(int n) => [.. Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 1.0 : 0.5)];
        var over = SecretSharer.Split(new RingTensor(format.Encode(AtMostOne(114)), 114, 1));
        long rounds = -1;
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => TwoPartySimulation.RunAsync(async ctx =>
        {
            try
            {
                return await UnionStandardization.ComputeStatisticsAsync(ctx, Mine(ctx, over, format), 1, [new(0, 114)]);
            }
            finally
            {
                rounds = ctx.Statistics.Snapshot().Rounds;
            }
        }, format));
        Assert.Contains("114 values per channel", refused.Message, StringComparison.Ordinal);
        Assert.Contains("at most 113", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, rounds);

        // 113 values of magnitude up to 1: Σx̃² = 38·2^56 + 75·2^54 < 2^63, opened exactly.
        var at = SecretSharer.Split(new RingTensor(format.Encode(AtMostOne(113)), 113, 1));
        var (stats, _) = await TwoPartySimulation.RunAsync(ctx => UnionStandardization.ComputeStatisticsAsync(ctx, Mine(ctx, at, format), 1, [new(0, 113)]).AsTask(), format);
        double m = (38 * 1.0 + 75 * 0.5) / 113, variance = (38 * 1.0 + 75 * 0.25) / 113 - m * m;
        Assert.Equal(m, stats.Standardization.Mean[0], 12);
        Assert.Equal(Math.Sqrt(variance), stats.Standardization.Std[0], 12);
    }

    [Fact]
    public async Task A_constant_channel_is_refused_without_naming_its_value()
    {
        const int area = 4;
        // Channel 0 varies, channel 1 is 0.3 in every image of both owners.
        double[] values = [.. Enumerable.Range(0, 6 * 2 * area).Select(i => i / area % 2 == 1 ? 0.3 : (i % 7) / 7.0)];
        var shares = SecretSharer.Split(new RingTensor(Format.Encode(values), 6, 2 * area));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => TwoPartySimulation.RunAsync(ctx =>
            UnionStandardization.ComputeStatisticsAsync(ctx, Mine(ctx, shares), 2, [new(0, 4), new(4, 2)]).AsTask()));
        Assert.Equal("Channel 1 is constant over the union: it cannot be standardised.", refused.Message);
    }

    [Fact]
    public async Task Runs_that_do_not_cover_the_rows_in_order_or_disclose_the_wrong_channels_are_refused()
    {
        var shares = SecretSharer.Split(new RingTensor(new ulong[5 * 8], 5, 8));
        var oneChannel = new Standardization([0.5], [0.2]);
        foreach (ScaledRows[] runs in new[] { new ScaledRows[] { new(0, 2), new(3, 2) }, [new(0, 4)], [new(0, 3), new(3, 2, oneChannel)] })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => TwoPartySimulation.RunAsync(ctx =>
                UnionStandardization.ComputeStatisticsAsync(ctx, Mine(ctx, shares), 2, runs).AsTask()));
        }
    }

    [Fact]
    public async Task Its_cost_is_the_stated_formula_in_rounds_words_each_way_and_dealer_words()
    {
        // N = 10 training rows (N_d = 4 disclosed), T = 3 test rows, C = 2, D = 8: one batch each.
        const int channels = 2, area = 4, d = channels * area, n = 10, disclosedRows = 4, t = 3;
        var disclosed = new Standardization([0.4, 0.5], [0.2, 0.25]);
        var train = SecretSharer.Split(new RingTensor(Format.Encode([.. Enumerable.Range(0, n * d).Select(i => (i % 11) / 11.0)]), n, d));
        var test = SecretSharer.Split(new RingTensor(Format.Encode([.. Enumerable.Range(0, t * d).Select(i => (i % 5) / 5.0)]), t, d));
        ScaledRows[] runs = [new(0, n - disclosedRows), new(n - disclosedRows, disclosedRows, disclosed)];
        var cost = await CountingRun.RunAsync(async ctx =>
        {
            UnionStatistics stats = await UnionStandardization.ComputeStatisticsAsync(ctx, Mine(ctx, train), channels, runs);
            await UnionStandardization.StandardizeAsync(ctx, Mine(ctx, train), channels, runs, stats.Standardization);
            await UnionStandardization.StandardizeAsync(ctx, Mine(ctx, test), channels, [new(0, t)], stats.Standardization);
        });
        // Rounds: product + truncation (disclosed rows) + opening; one truncation for the training set, one for the test set.
        Assert.Equal(5, cost.Rounds);
        long words = 2L * n * d + disclosedRows * d + (long)(n + t) * d + 2 * channels;
        Assert.Equal(8 * words, cost.BytesSent);
        // Dealer: (C·R)² for the product (R = 8 rows per channel), 2 per truncated value, all to party 1.
        Assert.Equal(8, UnionStandardization.RowsPerChannel(channels));
        Assert.Equal(16 * 16 + 2L * (disclosedRows + n + t) * d, cost.DealerWords);
    }

    /// <summary>
    /// The cost at Fashion-MNIST's size (60,000 + 10,000 images of 28×28; synthetic raw pixels) when
    /// IMGUARD_MEASURE_UNION=1: time, words each way, dealer words, written to the test output. Otherwise a 2,000-image
    /// run checks the same formula.
    /// </summary>
    [Fact]
    public async Task Measure_the_cost_at_fashion_mnist_size()
    {
        bool full = Environment.GetEnvironmentVariable("IMGUARD_MEASURE_UNION") == "1";
        int n = full ? 60_000 : 2_000, t = full ? 10_000 : 300, d = 784;
        var rng = new Random(11); // test data only
        var pixels = new double[(long)n * d];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = rng.Next(256) / 255.0;
        }
        var train = SecretSharer.Split(new RingTensor(Format.Encode(pixels), n, d));
        var test = SecretSharer.Split(new RingTensor(Format.Encode(pixels.AsSpan(0, t * d)), t, d));
        pixels = [];
        var statisticsTime = TimeSpan.Zero;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cost = await CountingRun.RunAsync(async ctx =>
        {
            UnionStatistics stats = await UnionStandardization.ComputeStatisticsAsync(ctx, Mine(ctx, train), 1, [new(0, n)]);
            if (ctx.PartyId == 0)
            {
                statisticsTime = clock.Elapsed;
            }
            await UnionStandardization.StandardizeAsync(ctx, Mine(ctx, train), 1, [new(0, n)], stats.Standardization);
            await UnionStandardization.StandardizeAsync(ctx, Mine(ctx, test), 1, [new(0, t)], stats.Standardization);
        }, TimeSpan.FromMinutes(30));
        double seconds = clock.Elapsed.TotalSeconds;
        long batches = ((long)n * d + UnionStandardization.BatchValues - 1) / UnionStandardization.BatchValues;
        long words = 2L * n * d + (long)(n + t) * d + 2;
        output.WriteLine($"{n} + {t} images of 784: {seconds:F1} s in all ({statisticsTime.TotalSeconds:F1} s for the statistics); {cost.Rounds} rounds; "
            + $"{cost.BytesSent / 8} words ({cost.BytesSent / 1e6:F0} MB) each way; {cost.DealerWords} dealer words ({cost.DealerWords * 8 / 1e6:F0} MB)");
        Assert.Equal(8 * words, cost.BytesSent);
        Assert.Equal(batches + 1 + batches + ((long)t * d + UnionStandardization.BatchValues - 1) / UnionStandardization.BatchValues, cost.Rounds);
        Assert.Equal(16 * 16 * batches + 2L * (n + t) * d, cost.DealerWords);
    }

    private static async Task<UnionStatistics> RunStatisticsAsync(ulong[] encoded, int rows, int channels, ScaledRows[] runs)
    {
        var shares = SecretSharer.Split(new RingTensor(encoded, rows, encoded.Length / rows));
        var (s0, s1) = await TwoPartySimulation.RunAsync(ctx => UnionStandardization.ComputeStatisticsAsync(ctx, Mine(ctx, shares), channels, runs).AsTask());
        Assert.Equal(s0.Standardization.Mean, s1.Standardization.Mean);
        return s0;
    }

    private static (double[] Mean, double[] Std) Plain(double[] values, int channels, int area)
    {
        var mean = new double[channels];
        var std = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double[] channel = [.. values.Where((_, i) => i / area % channels == c)];
            mean[c] = channel.Average();
            std[c] = Math.Sqrt(channel.Select(v => (v - mean[c]) * (v - mean[c])).Average());
        }
        return (mean, std);
    }

    private static SharedTensor Mine(PartyContext ctx, (RingTensor, RingTensor) shares, FixedPointFormat? format = null) =>
        new(ctx.PartyId, ctx.PartyId == 0 ? shares.Item1 : shares.Item2, format ?? Format);

    /// <summary>Both parties in one process as <see cref="TwoPartySimulation"/> runs them, with the dealer's words to both counted.</summary>
    private static class CountingRun
    {
        public static async Task<(long Rounds, long BytesSent, long DealerWords)> RunAsync(Func<PartyContext, Task> party, TimeSpan? timeout = null)
        {
            var (c0, c1) = InMemoryPeerChannel.CreatePair();
            await using (c0)
            await using (c1)
            {
                var feed = new CountingFeed(Imguard.Mpc.Preprocessing.Dealer.CreateRandom());
                var contexts = new[] { new PartyContext(0, c0, feed.SourceFor(0), Format), new PartyContext(1, c1, feed.SourceFor(1), Format) };
                var all = Task.WhenAll(contexts.Select(ctx => Task.Run(() => party(ctx))));
                Assert.Same(all, await Task.WhenAny(all, Task.Delay(timeout ?? TimeSpan.FromMinutes(2))));
                await all;
                TransferSnapshot s0 = c0.Statistics.Snapshot(), s1 = c1.Statistics.Snapshot();
                Assert.Equal(s0.BytesSent, s1.BytesSent); // symmetric: the same words each way
                return (s0.Rounds, s0.BytesSent, feed.Words);
            }
        }
    }

    /// <summary>An in-process dealer feed that counts the words it hands to both parties.</summary>
    private sealed class CountingFeed(Imguard.Mpc.Preprocessing.Dealer dealer)
    {
        private readonly Dictionary<long, ulong[]?[]> _pending = [];
        private long _words;

        public long Words => Interlocked.Read(ref _words);

        public DealerRandomness SourceFor(int partyId) => new(partyId, dealer.SeedFor(partyId), new Party(this, partyId));

        private ulong[] Receive(int partyId, long index, RandomnessRequest request)
        {
            lock (_pending)
            {
                if (!_pending.TryGetValue(index, out var messages))
                {
                    var (m0, m1) = dealer.Generate(index, request);
                    messages = [m0, m1];
                    _pending[index] = messages;
                }
                ulong[] message = messages[partyId]!;
                messages[partyId] = null;
                if (messages[1 - partyId] is null)
                {
                    _pending.Remove(index);
                }
                Interlocked.Add(ref _words, message.Length);
                return message;
            }
        }

        private sealed class Party(CountingFeed feed, int partyId) : IDealerFeed
        {
            public ValueTask<ulong[]> ReceiveAsync(long index, RandomnessRequest request, CancellationToken cancellationToken = default) =>
                ValueTask.FromResult(feed.Receive(partyId, index, request));
        }
    }
}
