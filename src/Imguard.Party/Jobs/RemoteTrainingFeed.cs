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
    CancellationToken cancellationToken = default) : ITrainingFeed
{
    public int PartyId => partyId;

    public Seed JobSeed => jobSeed;

    public ulong[] InitialParameters() =>
        partyId == 1 ? dealer.GetWords(DealerEndpoints.InitialParameters(jobId, attempt), cancellationToken) : [];

    public HidingEpoch BeginEpoch(int epoch) =>
        HidingEpochCodec.Decode(dealer.GetBytes(DealerEndpoints.Epoch(jobId, attempt, epoch), cancellationToken), epoch, trainingCount, Mode, K);

    public ulong[] HidingBatch(int epoch, int batch) =>
        partyId == 1 ? dealer.GetWords(DealerEndpoints.HidingBatch(jobId, attempt, epoch, batch), cancellationToken) : [];

    /// <summary>Rows index the table [test images | training images]; <see cref="TestCount"/> must be set.</summary>
    public TestEncodingBatch TestEncodingBatch(int encoding, int batch) =>
        Learning.Hiding.TestEncodingBatch.Decode(dealer.GetBytes(DealerEndpoints.TestEncodingBatch(jobId, attempt, encoding, batch), cancellationToken),
            encoding, batch, K, TestCount + trainingCount);

    /// <summary>Images in the test set of the job (needed to check a test-encoding batch's table rows).</summary>
    public int TestCount { get; init; }

    /// <summary>Images mixed per encoding (the job's slot count: K, or 1 without hiding).</summary>
    public int K { get; init; } = 1;

    /// <summary>The job's hiding mode: an epoch message for another mode is refused.</summary>
    public HidingMode Mode { get; init; } = HidingMode.Off;
}
