using Imguard.Contracts.Jobs;
using Imguard.Dealer.Training;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Transport;

namespace Imguard.Dealer.Planning;

/// <summary>
/// The dealer's estimate of what a job will cost before it starts (<see cref="JobEstimate"/>): the dealer's words to
/// each party per training step, the peer link's rounds and bytes per step, and totals. Measured, not guessed: <see cref="EstimateAsync(JobDescription, int, CancellationToken)"/>
/// runs two training steps of the job's model on random shares of one batch (both parties in this process, in-memory
/// channel, recording dealer) and counts what the second step (with momentum, with its share of an epoch start)
/// consumed. The randomness plan depends only on shapes, so random data gives the real plan. Cost of the estimate: two
/// secure steps on one batch in-process (tens of milliseconds for the mlp preset, a few seconds for the cnn preset).
/// The last, smaller batch of an epoch is counted as a full one.
/// </summary>
public static class JobCostEstimator
{
    /// <summary>The estimate for a job over <paramref name="trainingCount"/> training and <paramref name="testCount"/> test images.</summary>
    public static Task<JobEstimate> EstimateAsync(JobDescription job, int trainingCount, int testCount = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return EstimateAsync(JobTraining.Spec(job), JobTraining.Options(job), trainingCount, JobTraining.Format(job), job.ComparisonBits, testCount, cancellationToken);
    }

    public static async Task<JobEstimate> EstimateAsync(ModelSpec spec, TrainingOptions options, int trainingCount, FixedPointFormat format,
        int comparisonBits, int testCount = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainingCount);
        options.Validate();
        int batch = Math.Min(options.BatchSize, trainingCount);
        var twoSteps = options with { Epochs = 2, BatchSize = batch };
        var recorder = new InProcessDealer(Mpc.Preprocessing.Dealer.CreateRandom());
        using var trainingDealer = new TrainingDealer(spec, twoSteps, batch, format);
        var feeds = new InProcessTrainingDealer(trainingDealer);
        var (c0, c1) = InMemoryPeerChannel.CreatePair();
        await using (c0.ConfigureAwait(false))
        await using (c1.ConfigureAwait(false))
        {
            var marks = new (int Items, TransferSnapshot Peer, long Ticks)[2][];
            var hiding = new CountingFeed[2];
            async Task RunParty(int p, IPeerChannel channel)
            {
                hiding[p] = new CountingFeed(feeds.FeedFor(p));
                var source = new CountingSource(recorder.SourceFor(p));
                var ctx = new PartyContext(p, channel, source, format, comparisonBits) { MaxDegreeOfParallelism = 1 };
                var training = await SecureTraining.CreateAsync(ctx, spec, twoSteps, hiding[p], cancellationToken: cancellationToken).ConfigureAwait(false);
                var reports = new List<(int, TransferSnapshot, long)>();
                var progress = new Marker(() => reports.Add((source.Taken, channel.Statistics.Snapshot(), System.Diagnostics.Stopwatch.GetTimestamp())));
                await training.TrainAsync(RandomHalf(p, spec, batch, format), progress: p == 0 ? progress : null, cancellationToken: cancellationToken).ConfigureAwait(false);
                marks[p] = [.. reports];
            }
            await Task.WhenAll(Task.Run(() => RunParty(0, c0), cancellationToken), Task.Run(() => RunParty(1, c1), cancellationToken)).ConfigureAwait(false);

            var plan = recorder.IssuedPlan().Requests;
            var (first, second) = (marks[0][0], marks[0][1]);
            var stepItems = plan.Skip(first.Items).Take(second.Items - first.Items).ToArray();
            long w0 = 0, w1 = 0;
            foreach (var request in stepItems)
            {
                var (m0, m1) = MessageWords(request);
                w0 += m0;
                w1 += m1;
            }
            var peer = second.Peer - first.Peer;
            long hidingWords = hiding[1].BatchWords.Count > 1 ? hiding[1].BatchWords[1] : 0;
            int stepsPerEpoch = (int)(((long)trainingCount + options.BatchSize - 1) / options.BatchSize);
            long steps = (long)stepsPerEpoch * options.Epochs;
            long initial = ModelBuilder.ParameterShapes(spec).Sum(s => s.Aggregate(1L, (a, b) => a * b));
            int k = options.Hiding.SlotCount;
            long epochBytes = 24 + 4L * trainingCount * (k + 1);
            long itemBytes0 = stepItems.Length * 48L + w0 * 8, itemBytes1 = stepItems.Length * 48L + (w1 + hidingWords) * 8;
            var (testWords, testRowBytes) = TestEncodingCost(spec, options, testCount);
            return new JobEstimate(options.Epochs, stepsPerEpoch, steps, stepItems.Length, w0, w1, hidingWords,
                peer.Rounds, peer.BytesSent, initial, epochBytes, testWords,
                steps * itemBytes0 + options.Epochs * epochBytes + testRowBytes,
                steps * itemBytes1 + options.Epochs * epochBytes + initial * 8 + testRowBytes + testWords * 8,
                System.Diagnostics.Stopwatch.GetElapsedTime(first.Ticks, second.Ticks).TotalSeconds);
        }
    }

    /// <summary>
    /// The evaluation's test-time encodings: party 1's coefficient words (T·N_test·(K + 1)·D) and the bytes of the
    /// batches' public rows each party receives (a 28-byte header and 4 bytes per row, N_test·K rows per encoding).
    /// </summary>
    public static (long Party1Words, long RowBytesPerParty) TestEncodingCost(ModelSpec spec, TrainingOptions options, int testCount)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (options.TestEncodings == 0 || testCount <= 0)
        {
            return (0, 0);
        }
        long d = spec.Input.Aggregate(1L, (a, b) => a * b), k = options.Hiding.SlotCount, t = options.TestEncodings;
        long batches = (testCount + options.BatchSize - 1) / options.BatchSize;
        return (t * testCount * (k + 1) * d, t * (batches * 28 + 4L * testCount * k));
    }

    /// <summary>Words of the dealer's message for one item to party 0 and to party 1 (as <see cref="Mpc.Preprocessing.Dealer.Generate"/> makes them).</summary>
    public static (long Party0, long Party1) MessageWords(RandomnessRequest request)
    {
        long n = request.M;
        switch (request.Kind)
        {
            case RandomnessKind.ElementwiseTriple:
                return (0, n);
            case RandomnessKind.MatrixTriple:
                return (0, (long)request.M * request.N);
            case RandomnessKind.ConvolutionTriple:
            case RandomnessKind.ConvolutionFilterGradientTriple:
            case RandomnessKind.ConvolutionInputGradientTriple:
                return (0, request.Length);
            case RandomnessKind.Truncation:
                return (0, 2 * n);
            case RandomnessKind.BitSign:
            case RandomnessKind.BitSignWithProduct:
            case RandomnessKind.BitSignForBackward:
                return (0, Mpc.Preprocessing.Dealer.BitSignLayout(request).Party1Words);
            default:
                int payload = request.Kind == RandomnessKind.SignWithProduct ? 2 : 1;
                int domain = request.Parameter - 1;
                long keys = n * (domain * (2 + payload) + payload);   // DCF correction words per key (Dcf.CorrectionWords)
                return (keys, keys + n * payload);
        }
    }

    private static SharedDataset RandomHalf(int partyId, ModelSpec spec, int count, FixedPointFormat format)
    {
        int d = spec.Input.Aggregate(1, (a, b) => a * b);
        var images = new RingTensor(count, d);
        var labels = new RingTensor(count, spec.Classes);
        using var prg = new AesCtrPrg(Seed.Random());
        prg.Fill(images.Span);
        prg.Fill(labels.Span);
        return new SharedDataset(partyId, format, [.. spec.Input], spec.Classes, images, labels);
    }

    /// <summary>Counts the hiding words a party receives (party 1's coefficient shares).</summary>
    private sealed class CountingFeed(ITrainingFeed inner) : ITrainingFeed
    {
        private readonly List<long> _batchWords = [];

        /// <summary>The words of each batch message, in order.</summary>
        public IReadOnlyList<long> BatchWords => _batchWords;

        public int PartyId => inner.PartyId;

        public Seed JobSeed => inner.JobSeed;

        public ValueTask<ulong[]> InitialParametersAsync(CancellationToken cancellationToken = default) => inner.InitialParametersAsync(cancellationToken);

        public ValueTask<HidingEpoch> BeginEpochAsync(int epoch, CancellationToken cancellationToken = default) => inner.BeginEpochAsync(epoch, cancellationToken);

        public async ValueTask<ulong[]> HidingBatchAsync(int epoch, int batch, CancellationToken cancellationToken = default)
        {
            var words = await inner.HidingBatchAsync(epoch, batch, cancellationToken).ConfigureAwait(false);
            _batchWords.Add(words.Length);
            return words;
        }

        public ValueTask<TestEncodingBatch> TestEncodingBatchAsync(int encoding, int batch, CancellationToken cancellationToken = default) =>
            inner.TestEncodingBatchAsync(encoding, batch, cancellationToken);
    }

    /// <summary>Counts the items a party takes (item i of the plan is the i-th taken).</summary>
    private sealed class CountingSource(ICorrelatedRandomness inner) : ICorrelatedRandomness
    {
        public int Taken { get; private set; }

        public int PartyId => inner.PartyId;

        public async ValueTask<ElementwiseTriple> TakeElementwiseTripleAsync(int length, CancellationToken cancellationToken = default) =>
            Count(await inner.TakeElementwiseTripleAsync(length, cancellationToken).ConfigureAwait(false));

        public async ValueTask<MatrixTriple> TakeMatrixTripleAsync(int m, int k, int n, CancellationToken cancellationToken = default) =>
            Count(await inner.TakeMatrixTripleAsync(m, k, n, cancellationToken).ConfigureAwait(false));

        public async ValueTask<MatrixTriple> TakeConvolutionTripleAsync(int batch, Conv2dGeometry geometry, int outChannels, CancellationToken cancellationToken = default) =>
            Count(await inner.TakeConvolutionTripleAsync(batch, geometry, outChannels, cancellationToken).ConfigureAwait(false));

        public async ValueTask<MatrixTriple> TakeConvolutionFilterGradientTripleAsync(int batch, Conv2dGeometry geometry, int outChannels, CancellationToken cancellationToken = default) =>
            Count(await inner.TakeConvolutionFilterGradientTripleAsync(batch, geometry, outChannels, cancellationToken).ConfigureAwait(false));

        public async ValueTask<MatrixTriple> TakeConvolutionInputGradientTripleAsync(int batch, Conv2dGeometry geometry, int outChannels, CancellationToken cancellationToken = default) =>
            Count(await inner.TakeConvolutionInputGradientTripleAsync(batch, geometry, outChannels, cancellationToken).ConfigureAwait(false));

        public async ValueTask<TruncationMaterial> TakeTruncationAsync(int length, int fractionalBits, CancellationToken cancellationToken = default) =>
            Count(await inner.TakeTruncationAsync(length, fractionalBits, cancellationToken).ConfigureAwait(false));

        public async ValueTask<SignMaterial> TakeSignAsync(int length, int bits, bool withProduct, CancellationToken cancellationToken = default) =>
            Count(await inner.TakeSignAsync(length, bits, withProduct, cancellationToken).ConfigureAwait(false));

        public async ValueTask<BitSignMaterial> TakeBitSignAsync(int length, int bits, bool withProduct, CancellationToken cancellationToken = default) =>
            Count(await inner.TakeBitSignAsync(length, bits, withProduct, cancellationToken).ConfigureAwait(false));

        public async ValueTask<BitSignMaterial> TakeBitSignForBackwardAsync(int length, int bits, CancellationToken cancellationToken = default) =>
            Count(await inner.TakeBitSignForBackwardAsync(length, bits, cancellationToken).ConfigureAwait(false));

        private T Count<T>(T item)
        {
            Taken++;
            return item;
        }
    }

    /// <summary>Runs an action on every report, synchronously (after each step, before the next begins).</summary>
    private sealed class Marker(Action mark) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => mark();
    }
}
