using Imguard.Learning.Hiding;
using Imguard.Learning.Training;
using Imguard.Mpc.Randomness;

namespace Imguard.Dealer.Training;

/// <summary>
/// A <see cref="TrainingDealer"/> serving both parties in one process (tests, benchmarks, local runs): an epoch's
/// public part is drawn when the first party asks and handed to the second unchanged. Thread-safe.
/// </summary>
public sealed class InProcessTrainingDealer(TrainingDealer dealer)
{
    private readonly TrainingDealer _dealer = dealer ?? throw new ArgumentNullException(nameof(dealer));
    private readonly object _gate = new();
    private HidingEpoch? _current;

    public ITrainingFeed FeedFor(int partyId) => new Feed(this, partyId, _dealer.SeedFor(partyId));

    private HidingEpoch BeginEpoch(int epoch)
    {
        lock (_gate)
        {
            if (_current is null || _current.Epoch != epoch)
            {
                _current = _dealer.BeginEpoch(epoch);
            }
            return _current;
        }
    }

    private ulong[] HidingBatch(int epoch, int batch)
    {
        lock (_gate)
        {
            return _dealer.HidingBatchForParty1(epoch, batch);
        }
    }

    private TestEncodingBatch TestEncodingBatch(int partyId, int encoding, int batch)
    {
        lock (_gate)
        {
            return _dealer.TestEncodingBatchFor(partyId, encoding, batch);
        }
    }

    private sealed class Feed(InProcessTrainingDealer owner, int partyId, Seed seed) : ITrainingFeed
    {
        public int PartyId => partyId;

        public Seed JobSeed => seed;

        public ValueTask<ulong[]> InitialParametersAsync(CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(partyId == 1 ? owner._dealer.InitialParametersForParty1() : []);

        public ValueTask<HidingEpoch> BeginEpochAsync(int epoch, CancellationToken cancellationToken = default) => ValueTask.FromResult(owner.BeginEpoch(epoch));

        public ValueTask<ulong[]> HidingBatchAsync(int epoch, int batch, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(partyId == 1 ? owner.HidingBatch(epoch, batch) : []);

        public ValueTask<TestEncodingBatch> TestEncodingBatchAsync(int encoding, int batch, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(owner.TestEncodingBatch(partyId, encoding, batch));
    }
}
