using Imguard.Contracts.Jobs;
using Imguard.Dealer.Training;
using Imguard.Learning.Hiding;
using Imguard.Learning.Training;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Randomness;

namespace Imguard.Dealer.Sessions;

/// <summary>
/// The dealer's side of one attempt of one job: a <see cref="TrainingDealer"/> (job seeds, dealt initial weights,
/// InstaHide keys) and an Mpc <see cref="Dealer"/>, both with fresh seeds. Serves each party its two seeds once; party 1
/// the initial parameters once; both the public part of each epoch (drawn when the first party asks); party 1 the
/// hiding message of each batch once, in order; each party the batches of the test-time encodings once, in order (the
/// rows to both, the coefficient shares to party 1); and randomness items. Item i is generated when the first party asks
/// and kept until the other has taken its message. Each party takes items strictly in order 0, 1, 2, …: an index
/// taken before is refused (double issuance), an index the other party already took with another request is refused
/// (out of step), and either ends the attempt — the job fails or resumes with a new attempt and new seeds.
/// Thread-safe; one lock per session (the two parties of one job).
/// </summary>
public sealed class DealerSession : IDisposable
{
    private readonly object _gate = new();
    private readonly TrainingDealer _training;
    private readonly Mpc.Preprocessing.Dealer _dealer = Mpc.Preprocessing.Dealer.CreateRandom();
    private readonly DealerSessionsOptions _options;
    private readonly Action<DealerUsage> _report;
    private readonly bool[] _seedsTaken = new bool[2];
    private readonly long[] _nextIndex = new long[2];
    private readonly long[] _items = new long[2];
    private readonly long[] _words = new long[2];
    private readonly Dictionary<long, Pending> _pending = [];
    private long _pendingWords;
    private long _dealtWords;
    private bool _initialTaken;
    private HidingEpoch? _epoch;
    private (int Epoch, int Batch) _lastHidingBatch = (-1, -1);
    private readonly (int Encoding, int Batch)[] _lastTestBatch = [(-1, -1), (-1, -1)];
    private string? _brokenReason;
    private bool _disposed;

    // Completed when each party takes its seeds, and when the attempt ends (stopped or disposed): what a party waiting
    // at the dealer (WaitAsync) waits for.
    private readonly TaskCompletionSource[] _joined = [new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal DealerSession(DealerJob job, int attempt, TrainingDealer training, DealerSessionsOptions options, Action<DealerUsage> report)
    {
        Job = job;
        Attempt = attempt;
        _training = training;
        _options = options;
        _report = report;
    }

    public DealerJob Job { get; }

    public string JobId => Job.Description.JobId;

    public int Attempt { get; }

    /// <summary>Why the session refuses everything now (out of step), or null.</summary>
    public string? BrokenReason
    {
        get
        {
            lock (_gate)
            {
                return _brokenReason;
            }
        }
    }

    public bool HasJoined(int partyId)
    {
        lock (_gate)
        {
            return _seedsTaken[partyId];
        }
    }

    /// <summary>
    /// Waits, for at most <paramref name="timeout"/>, until the other party has joined (<paramref name="wait"/> =
    /// <see cref="DealerWait.Peer"/>) or until the attempt ends (<see cref="DealerWait.End"/>;
    /// <see cref="DealerWait.None"/> does not wait); then returns whether the other party has joined, or
    /// throws if the attempt is over (<see cref="DealerErrorKind.Gone"/> replaced or ended, <see cref="DealerErrorKind.OutOfStep"/>
    /// stopped). Only a party that joined the attempt may ask. This is how a party whose peer is not there yet waits on
    /// the same attempt instead of opening new ones, and learns at once when the attempt it waits in is replaced.
    /// </summary>
    public async Task<bool> WaitAsync(int partyId, string wait, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task waitFor;
        lock (_gate)
        {
            EnsureJoined(partyId);
            waitFor = wait switch
            {
                DealerWait.None => Task.CompletedTask,
                DealerWait.Peer => Task.WhenAny(_joined[1 - partyId].Task, _ended.Task),
                DealerWait.End => _ended.Task,
                _ => throw new DealerException(DealerErrorKind.Invalid, $"A status request waits for '{DealerWait.None}', '{DealerWait.Peer}' or '{DealerWait.End}'."),
            };
        }
        if (!waitFor.IsCompleted && timeout > TimeSpan.Zero)
        {
            try
            {
                await waitFor.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The bound of one long poll: answer with the state now; the party asks again.
            }
        }
        lock (_gate)
        {
            EnsureUsable();
            return _seedsTaken[1 - partyId];
        }
    }

    /// <summary>This party's job seed and randomness seed; once per party.</summary>
    public (Seed JobSeed, Seed RandomnessSeed) TakeSeeds(int partyId)
    {
        lock (_gate)
        {
            EnsureUsable();
            if (_seedsTaken[partyId])
            {
                throw new DealerException(DealerErrorKind.OutOfStep, $"Party {partyId} already has its seeds for attempt {Attempt} of job '{JobId}'.");
            }
            _seedsTaken[partyId] = true;
            _joined[partyId].TrySetResult();
            return (_training.SeedFor(partyId), _dealer.SeedFor(partyId));
        }
    }

    /// <summary>Party 1's shares of the initial parameters (once); party 0 gets nothing (its shares come from its seed).</summary>
    public ulong[] InitialParameters(int partyId)
    {
        lock (_gate)
        {
            EnsureJoined(partyId);
            if (partyId == 0)
            {
                return [];
            }
            if (_initialTaken)
            {
                throw Break($"party 1 asked for the initial parameters of attempt {Attempt} twice");
            }
            _initialTaken = true;
            var message = _training.InitialParametersForParty1();
            _dealtWords += message.Length;
            return message;
        }
    }

    /// <summary>The public part of epoch <paramref name="epoch"/>: drawn when the first party asks, the same for the second.</summary>
    public HidingEpoch BeginEpoch(int partyId, int epoch)
    {
        DealerUsage? usage = null;
        HidingEpoch begun;
        lock (_gate)
        {
            EnsureJoined(partyId);
            if (epoch < 0 || epoch >= Job.Description.Training.Epochs)
            {
                throw new DealerException(DealerErrorKind.Invalid, $"Epoch {epoch} is outside the job's {Job.Description.Training.Epochs} epochs.");
            }
            if (_epoch is not null && epoch < _epoch.Epoch)
            {
                throw Break($"party {partyId} asked for epoch {epoch} after epoch {_epoch.Epoch} had begun");
            }
            if (_epoch is null || epoch > _epoch.Epoch)
            {
                // One usage report per epoch of the attempt (and one when it ends): what was issued until the next
                // epoch began. Per item count (every 1000) it was one event every few steps, which drowned every
                // activity list and said nothing a person could place.
                if (_epoch is not null)
                {
                    usage = UsageLocked(final: false, endedEpoch: _epoch.Epoch);
                }
                _epoch = _training.BeginEpoch(epoch);
            }
            begun = _epoch;
        }
        if (usage is not null)
        {
            _report(usage);
        }
        return begun;
    }

    /// <summary>Party 1's hiding message of batch <paramref name="batch"/> of the current epoch, each once and in order; party 0 gets nothing.</summary>
    public ulong[] HidingBatch(int partyId, int epoch, int batch)
    {
        lock (_gate)
        {
            EnsureJoined(partyId);
            if (partyId == 0)
            {
                return [];
            }
            if (_epoch is null || _epoch.Epoch != epoch)
            {
                throw Break($"party 1 asked for a batch of epoch {epoch}, which is not the current epoch");
            }
            if (batch < 0 || batch >= _epoch.BatchCount(Job.Description.Training.BatchSize))
            {
                throw new DealerException(DealerErrorKind.Invalid, $"Batch {batch} is outside epoch {epoch}.");
            }
            if ((epoch, batch).CompareTo(_lastHidingBatch) <= 0)
            {
                throw Break($"party 1 asked for batch {batch} of epoch {epoch} again or out of order");
            }
            _lastHidingBatch = (epoch, batch);
            var message = _training.HidingBatchForParty1(epoch, batch);
            _dealtWords += message.Length;
            return message;
        }
    }

    /// <summary>
    /// Batch <paramref name="batch"/> of test-time encoding <paramref name="encoding"/>: the table rows for both parties,
    /// party 1's coefficient shares. Each party takes each batch once, encoding after encoding, batch after batch.
    /// </summary>
    public TestEncodingBatch TestEncodingBatch(int partyId, int encoding, int batch)
    {
        lock (_gate)
        {
            EnsureJoined(partyId);
            int encodings = Job.Description.Training.TestEncodings;
            int batches = _training.TestEncodingBatches;
            if (batches == 0)
            {
                throw new DealerException(DealerErrorKind.Invalid, $"Job '{JobId}' has no test-time encodings (it asks for {encodings} and has {Job.TestCount} test images).");
            }
            if (encoding < 0 || encoding >= encodings || batch < 0 || batch >= batches)
            {
                throw new DealerException(DealerErrorKind.Invalid, $"Batch {batch} of test encoding {encoding} is outside the job's {encodings} encodings of {batches} batches.");
            }
            if ((encoding, batch).CompareTo(_lastTestBatch[partyId]) <= 0)
            {
                throw Break($"party {partyId} asked for batch {batch} of test encoding {encoding} again or out of order");
            }
            _lastTestBatch[partyId] = (encoding, batch);
            var result = _training.TestEncodingBatchFor(partyId, encoding, batch);
            _dealtWords += result.Message.Length;
            return result;
        }
    }

    /// <summary>
    /// This party's messages for consecutive items starting at its next index. Returns them in order; refuses the
    /// whole request (and ends the attempt) if any item is out of step.
    /// </summary>
    public IReadOnlyList<ulong[]> TakeItems(int partyId, IReadOnlyList<(long Index, RandomnessRequest Request)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var result = new List<ulong[]>(items.Count);
        lock (_gate)
        {
            EnsureJoined(partyId);
            foreach (var (index, request) in items)
            {
                result.Add(TakeItem(partyId, index, request));
            }
        }
        DealerMetrics.Served(result);
        return result;
    }

    private ulong[] TakeItem(int partyId, long index, RandomnessRequest request)
    {
        long expected = _nextIndex[partyId];
        if (index < expected)
        {
            throw Break($"party {partyId} asked for item {index} again ({request}); items are issued once");
        }
        if (index > expected)
        {
            throw Break($"party {partyId} asked for item {index} before item {expected}");
        }
        ulong[] message;
        if (_pending.Remove(index, out var entry))
        {
            if (entry.Request != request)
            {
                throw Break($"at item {index} party {partyId} asked for a {request}, the other party for a {entry.Request}: the parties are out of step");
            }
            message = entry.Message;
            _pendingWords -= message.Length;
        }
        else
        {
            if (_pending.Count >= _options.MaxPendingItems || _pendingWords >= _options.MaxPendingWords)
            {
                throw Break($"party {partyId} is {_pending.Count} items ahead of the other party; the limit is {_options.MaxPendingItems} items or {_options.MaxPendingWords} words");
            }
            long work = Mpc.Preprocessing.Dealer.WorkWords(request);
            if (work > _options.MaxItemWords)
            {
                throw Break($"party {partyId} asked for a {request}, which needs about {work} words; the limit for one item is {_options.MaxItemWords}");
            }
            var (m0, m1) = _dealer.Generate(index, request);
            message = partyId == 0 ? m0 : m1;
            var other = partyId == 0 ? m1 : m0;
            _pending[index] = new Pending(request, other);
            _pendingWords += other.Length;
        }
        _nextIndex[partyId] = index + 1;
        _items[partyId]++;
        _words[partyId] += message.Length;
        return message;
    }

    /// <summary>Items generated for one party and held for the other (the dealer's queue, for its metrics).</summary>
    internal int PendingItems
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public DealerUsage Usage()
    {
        lock (_gate)
        {
            return UsageLocked(final: false);
        }
    }

    private DealerUsage UsageLocked(bool final, int? endedEpoch = null) =>
        new(JobId, Attempt, _items[0], _words[0], _items[1], _words[1], _dealtWords, final) { Epoch = endedEpoch + 1 };

    private void EnsureJoined(int partyId)
    {
        EnsureUsable();
        if (!_seedsTaken[partyId])
        {
            throw new DealerException(DealerErrorKind.OutOfStep, $"Party {partyId} has not joined attempt {Attempt} of job '{JobId}'.");
        }
    }

    private void EnsureUsable()
    {
        if (_disposed)
        {
            throw new DealerException(DealerErrorKind.Gone, $"Attempt {Attempt} of job '{JobId}' is over.");
        }
        if (_brokenReason is not null)
        {
            throw new DealerException(DealerErrorKind.OutOfStep, $"Attempt {Attempt} of job '{JobId}' was stopped: {_brokenReason}.");
        }
    }

    private DealerException Break(string reason)
    {
        _brokenReason = reason;
        _ended.TrySetResult();
        _pending.Clear();
        _pendingWords = 0;
        return new DealerException(DealerErrorKind.OutOfStep, $"Job '{JobId}', attempt {Attempt}: {reason}.");
    }

    /// <summary>Wipes what is held and reports the final usage.</summary>
    public void Dispose()
    {
        DealerUsage usage;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _ended.TrySetResult();
            foreach (var entry in _pending.Values)
            {
                Array.Clear(entry.Message);
            }
            _pending.Clear();
            _training.Dispose();
            usage = UsageLocked(final: true);
        }
        _report(usage);
    }

    private readonly record struct Pending(RandomnessRequest Request, ulong[] Message);
}
