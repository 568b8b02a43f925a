using Imguard.Contracts.Jobs;
using Imguard.Learning.Hiding;
using Imguard.Learning.Training;
using Imguard.Mpc.Randomness;

namespace Imguard.Party.Jobs;

/// <summary>
/// <see cref="ITrainingFeed"/> over the platform's dealer for one attempt: the job seed from joining, party 1's
/// initial parameters and hiding messages, both parties' public epoch parts. Party 0's messages are empty (its halves
/// come from its seed), so it asks only for the epochs and, for test-time encodings, the table rows of each batch.
/// </summary>
public sealed class RemoteTrainingFeed(DealerClient dealer, string jobId, int attempt, int partyId, Seed jobSeed, int trainingCount,
    CancellationToken attemptCancellation = default) : ITrainingFeed
{
    private bool _firstEpoch = true;
    private bool _firstStep = true;

    public int PartyId => partyId;

    public Seed JobSeed => jobSeed;

    public async ValueTask<ulong[]> InitialParametersAsync(CancellationToken cancellationToken = default) =>
        partyId == 1 ? await dealer.GetWordsAsync(DealerEndpoints.InitialParameters(jobId, attempt), Token(cancellationToken)) : [];

    public async ValueTask<HidingEpoch> BeginEpochAsync(int epoch, CancellationToken cancellationToken = default)
    {
        Items?.BeginSegment(new StepKind(0, EpochStart: true, First: _firstEpoch));
        _firstEpoch = false;
        byte[] message = await dealer.GetBytesAsync(DealerEndpoints.Epoch(jobId, attempt, epoch), Token(cancellationToken));
        return HidingEpochCodec.Decode(message, epoch, trainingCount, Mode, K);
    }

    /// <summary>Called as each training step begins (before it takes any item): marks the step for <see cref="Items"/>' prefetch.</summary>
    public async ValueTask<ulong[]> HidingBatchAsync(int epoch, int batch, CancellationToken cancellationToken = default)
    {
        Items?.BeginSegment(new StepKind(Math.Min(BatchSize, trainingCount - batch * BatchSize), EpochStart: false, First: _firstStep));
        _firstStep = false;
        return partyId == 1 ? await dealer.GetWordsAsync(DealerEndpoints.HidingBatch(jobId, attempt, epoch, batch), Token(cancellationToken)) : [];
    }

    /// <summary>Rows index the table [test images | training images]; <see cref="TestCount"/> must be set.</summary>
    public async ValueTask<TestEncodingBatch> TestEncodingBatchAsync(int encoding, int batch, CancellationToken cancellationToken = default)
    {
        Items?.BeginSegment(null);
        byte[] message = await dealer.GetBytesAsync(DealerEndpoints.TestEncodingBatch(jobId, attempt, encoding, batch), Token(cancellationToken));
        return Learning.Hiding.TestEncodingBatch.Decode(message, encoding, batch, K, TestCount + trainingCount);
    }

    /// <summary>
    /// The attempt's dealer items: told where each training step and epoch begins, so that it can prefetch a step's
    /// items once it knows the step's plan (<see cref="RemoteDealerFeed.BeginSegment"/>). Null: no prefetch.
    /// </summary>
    public RemoteDealerFeed? Items { get; init; }

    /// <summary>The job's batch size (rows of each training step but a short last one); needed with <see cref="Items"/>.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Images in the test set of the job (needed to check a test-encoding batch's table rows).</summary>
    public int TestCount { get; init; }

    /// <summary>Images mixed per encoding (the job's slot count: K, or 1 without hiding).</summary>
    public int K { get; init; } = 1;

    /// <summary>The job's hiding mode: an epoch message for another mode is refused.</summary>
    public HidingMode Mode { get; init; } = HidingMode.Off;

    /// <summary>The caller's token, or the attempt's where the caller passes none.</summary>
    private CancellationToken Token(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? cancellationToken : attemptCancellation;
}
