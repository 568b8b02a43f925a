namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// A dealer in the same process as both parties (tests, benchmarks' offline phase): generates item i when the
/// first party asks for it and keeps the other party's message until that party asks. Both parties must ask for
/// the same request at the same index. Thread-safe.
/// </summary>
public sealed class InProcessDealer
{
    private readonly Dealer _dealer;
    private readonly object _gate = new();
    private readonly Dictionary<long, (RandomnessRequest Request, ulong[]?[] Messages)> _pending = [];
    private readonly List<RandomnessRequest> _issued = [];

    public InProcessDealer(Dealer dealer)
    {
        ArgumentNullException.ThrowIfNull(dealer);
        _dealer = dealer;
    }

    /// <summary>Both parties' randomness sources over a fresh dealer.</summary>
    public static (DealerRandomness Party0, DealerRandomness Party1) CreatePair()
    {
        var dealer = new InProcessDealer(Dealer.CreateRandom());
        return (dealer.SourceFor(0), dealer.SourceFor(1));
    }

    public DealerRandomness SourceFor(int partyId) => new(partyId, _dealer.SeedFor(partyId), new Feed(this, partyId));

    /// <summary>
    /// Every request generated so far, in item order: a computation's plan, recorded by running it once (how the
    /// benchmarks learn what a training step consumes before timing one with all randomness preprocessed).
    /// </summary>
    public RandomnessPlan IssuedPlan()
    {
        lock (_gate)
        {
            return new RandomnessPlan().AddRange(_issued);
        }
    }

    private ulong[] Receive(int partyId, long index, RandomnessRequest request)
    {
        lock (_gate)
        {
            if (!_pending.TryGetValue(index, out var entry))
            {
                var (m0, m1) = _dealer.Generate(index, request);
                entry = (request, [m0, m1]);
                if (index == _issued.Count)
                {
                    _issued.Add(request);
                }
                _pending[index] = entry;
            }
            if (entry.Request != request)
            {
                throw MpcError.RandomnessOutOfOrder(index, request.ToString(), entry.Request.ToString());
            }
            var message = entry.Messages[partyId] ?? throw MpcError.MaterialAlreadyUsed(request.ToString());
            entry.Messages[partyId] = null;
            if (entry.Messages[1 - partyId] is null)
            {
                _pending.Remove(index);
            }
            return message;
        }
    }

    private sealed class Feed(InProcessDealer owner, int partyId) : IDealerFeed
    {
        public ValueTask<ulong[]> ReceiveAsync(long index, RandomnessRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(owner.Receive(partyId, index, request));
    }
}
