using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Imguard.Contracts.Jobs;
using Imguard.Mpc.Preprocessing;

namespace Imguard.Party.Jobs;

/// <summary>
/// A party's dealer messages fetched from the platform (<see cref="IDealerFeed"/> for <see cref="DealerRandomness"/>),
/// for one attempt of one job. The dealer checks that both parties ask for the same request at each index and hands
/// each message out once.
/// <para>
/// Prefetch: the protocols take items one by one, so fetching each when it is taken costs a round trip per item. The
/// feed is told where each training step and epoch begins (<see cref="BeginSegment"/>, by <see cref="RemoteTrainingFeed"/>)
/// and of what kind it is (batch rows, first of the attempt or not). A segment's request sequence is a function of its
/// kind only; once two segments of the same kind have taken exactly the same sequence, that sequence is the plan of the
/// next segment of that kind, and a background loop fetches it in growing batches (4, 16, 64, 256 items), one request
/// at a time (the dealer hands items out strictly in order) and at most <see cref="BatchesAhead"/> fetched batches ahead
/// of the protocols. Segments of a kind not yet confirmed twice (the first step, a short last batch, evaluation) are
/// fetched item by item. If a taken request ever differs from the planned one, the feed throws
/// <see cref="DealerPrefetchException"/>; the attempt ends and the job runner retries without prefetch. A failed
/// fetch surfaces, as itself, to the protocol that awaits the item; disposing the feed (the attempt's end) or
/// cancelling the attempt stops the loop.
/// </para>
/// </summary>
public sealed class RemoteDealerFeed : IDealerFeed, IAsyncDisposable
{
    /// <summary>Fetched batches the prefetch may hold beyond the one being consumed: bounds the memory it uses.</summary>
    public const int BatchesAhead = 2;

    private const int FirstBatch = 4;

    private readonly DealerClient _dealer;
    private readonly string _jobId;
    private readonly int _attempt;
    private readonly bool _prefetch;
    private readonly CancellationTokenSource _stop;
    private readonly List<RandomnessRequest> _segment = [];   // requests taken since the last segment began
    private readonly Dictionary<StepKind, (RandomnessRequest[] Sequence, int Confirmations)> _plans = [];
    private StepKind? _kind;
    private Prefetch? _running;
    private long _taken;
    private long _items;
    private long _words;
    private long _prefetched;

    public RemoteDealerFeed(DealerClient dealer, string jobId, int attempt, bool prefetch = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dealer);
        _dealer = dealer;
        _jobId = jobId;
        _attempt = attempt;
        _prefetch = prefetch;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    public long ItemsReceived => Interlocked.Read(ref _items);

    public long WordsReceived => Interlocked.Read(ref _words);

    /// <summary>Items that came from a background prefetch rather than a request of their own.</summary>
    public long ItemsPrefetched => Interlocked.Read(ref _prefetched);

    /// <summary>The running prefetch loop (completed when none runs): for tests and for an orderly end.</summary>
    internal Task Prefetching => _running?.Loop ?? Task.CompletedTask;

    public async ValueTask<ulong[]> ReceiveAsync(long index, RandomnessRequest request, CancellationToken cancellationToken = default)
    {
        if (index != _taken)
        {
            throw new InvalidOperationException($"Item {index} was taken after {_taken} items; the protocols take items in order.");
        }
        ulong[] message;
        if (_running is { } prefetch && index >= prefetch.First && index < prefetch.End)
        {
            (RandomnessRequest planned, message) = await prefetch.NextAsync(cancellationToken);
            if (planned != request)
            {
                throw new DealerPrefetchException($"Item {index} was prefetched as a {planned}, but the protocol took a {request}.");
            }
            Interlocked.Increment(ref _prefetched);
        }
        else
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            message = (await _dealer.TakeItemsAsync(_jobId, _attempt, [(index, request)], both.Token))[0];
        }
        _segment.Add(request);
        _taken++;
        Interlocked.Increment(ref _items);
        Interlocked.Add(ref _words, message.Length);
        return message;
    }

    /// <summary>
    /// Called where a training step or an epoch's preparation begins (before it takes anything), with its kind; null
    /// for a segment that is never prefetched (evaluation). The items taken since the last call were the previous
    /// segment's: they confirm or replace the plan of its kind. Starts prefetching this segment when its plan is confirmed.
    /// </summary>
    public void BeginSegment(StepKind? kind)
    {
        if (_kind is { } done)
        {
            RandomnessRequest[] sequence = [.. _segment];
            _plans[done] = _plans.TryGetValue(done, out var known) && known.Sequence.AsSpan().SequenceEqual(sequence)
                ? (known.Sequence, known.Confirmations + 1)
                : (sequence, 1);
        }
        _segment.Clear();
        _kind = kind;
        if (!_prefetch || kind is not { } next || !_plans.TryGetValue(next, out var plan) || plan.Confirmations < 2 || plan.Sequence.Length == 0
            || _running is { } running && (running.End > _taken || running.Loop.IsFaulted))
        {
            return;
        }
        _running = new Prefetch(this, _taken, plan.Sequence);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is { } prefetch)
        {
            await Task.WhenAny(prefetch.Loop); // its failure, if any, went to the protocols already
        }
        _stop.Dispose();
    }

    /// <summary>One segment's plan being fetched: a loop writes batches into a bounded channel the protocols read.</summary>
    private sealed class Prefetch
    {
        private readonly Channel<(long First, RandomnessRequest[] Requests, ulong[][] Messages)> _batches =
            Channel.CreateBounded<(long, RandomnessRequest[], ulong[][])>(new BoundedChannelOptions(BatchesAhead) { SingleReader = true, SingleWriter = true });
        private (long First, RandomnessRequest[] Requests, ulong[][] Messages) _current;
        private int _at;

        public Prefetch(RemoteDealerFeed feed, long first, RandomnessRequest[] plan)
        {
            First = first;
            End = first + plan.Length;
            Loop = Task.Run(() => RunAsync(feed, plan), CancellationToken.None);
        }

        public long First { get; }

        public long End { get; }

        public Task Loop { get; }

        /// <summary>The next planned item: its request and the dealer's message.</summary>
        public async ValueTask<(RandomnessRequest Request, ulong[] Message)> NextAsync(CancellationToken cancellationToken)
        {
            if (_current.Messages is null || _at == _current.Messages.Length)
            {
                try
                {
                    _current = await _batches.Reader.ReadAsync(cancellationToken);
                }
                catch (ChannelClosedException e) when (e.InnerException is { } failure)
                {
                    ExceptionDispatchInfo.Throw(failure);
                }
                _at = 0;
            }
            var message = _current.Messages[_at];
            _current.Messages[_at] = null!;
            return (_current.Requests[_at++], message);
        }

        private async Task RunAsync(RemoteDealerFeed feed, RandomnessRequest[] plan)
        {
            CancellationToken stop = feed._stop.Token;
            try
            {
                int at = 0, size = FirstBatch;
                while (at < plan.Length)
                {
                    int n = Math.Min(Math.Min(size, DealerEndpoints.MaxItemsPerRequest), plan.Length - at);
                    var requests = plan.AsSpan(at, n).ToArray();
                    var items = new (long, RandomnessRequest)[n];
                    for (int i = 0; i < n; i++)
                    {
                        items[i] = (First + at + i, requests[i]);
                    }
                    ulong[][] messages = await feed._dealer.TakeItemsAsync(feed._jobId, feed._attempt, items, stop);
                    await _batches.Writer.WriteAsync((First + at, requests, messages), stop);
                    at += n;
                    size *= 4;
                }
                _batches.Writer.TryComplete();
            }
            catch (Exception e)
            {
                _batches.Writer.TryComplete(e);
                throw;
            }
        }
    }
}

/// <summary>
/// The kind of a segment of a training attempt, all its randomness plan depends on: a step's batch rows (0 for an
/// epoch's preparation), whether it prepares an epoch, whether it is the attempt's first of its sort.
/// </summary>
public readonly record struct StepKind(int Rows, bool EpochStart, bool First);

/// <summary>A prefetched item was not the one the protocol took: the attempt cannot go on (the item was issued).</summary>
public sealed class DealerPrefetchException : IOException
{
    public DealerPrefetchException()
    {
    }

    public DealerPrefetchException(string message) : base(message)
    {
    }

    public DealerPrefetchException(string message, Exception inner) : base(message, inner)
    {
    }
}
