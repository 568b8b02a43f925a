using Imguard.Contracts.Jobs;
using Imguard.Mpc.Preprocessing;

namespace Imguard.Party.Jobs;

/// <summary>
/// A party's dealer messages fetched from the platform (<see cref="IDealerFeed"/> for <see cref="DealerRandomness"/>),
/// for one attempt of one job. The dealer checks that both parties ask for the same request at each index and hands
/// each message out once.
/// <para>
/// Prefetch: the protocols take items one by one, so fetching each when it is taken costs a round trip per item. The
/// feed is told when a training step ends and what the next step is (<see cref="StepCompleted"/>: its batch rows,
/// whether it begins an epoch). A step's request sequence is a function of those shapes only; once two steps of the
/// same kind have taken exactly the same sequence, the feed fetches that sequence for the next step of that kind in
/// the background, in growing batches, while the step runs. Steps of a kind not yet confirmed twice (the first step,
/// a short last batch, evaluation) are fetched item by item. If a taken request ever differed from the prefetched one,
/// the feed throws <see cref="DealerPrefetchException"/>; the attempt ends and the job runner retries without prefetch.
/// </para>
/// </summary>
public sealed class RemoteDealerFeed(DealerClient dealer, string jobId, int attempt, bool prefetch = true, CancellationToken cancellationToken = default) : IDealerFeed
{
    private readonly object _gate = new();
    private readonly List<RandomnessRequest> _step = [];   // requests taken since the last step boundary
    private readonly Dictionary<StepKind, (RandomnessRequest[] Sequence, int Confirmations)> _templates = [];
    private readonly Dictionary<long, (RandomnessRequest Request, ulong[] Message)> _ready = [];
    private long _prefetchFrom;
    private long _prefetchTo;
    private Exception? _prefetchError;
    private long _takenCount;
    private long _items;
    private long _words;
    private long _prefetched;

    public long ItemsReceived => Interlocked.Read(ref _items);

    public long WordsReceived => Interlocked.Read(ref _words);

    /// <summary>Items that came from a background prefetch rather than a request of their own.</summary>
    public long ItemsPrefetched => Interlocked.Read(ref _prefetched);

    public ulong[] Receive(long index, RandomnessRequest request)
    {
        ulong[] message;
        lock (_gate)
        {
            if (index >= _prefetchFrom && index < _prefetchTo)
            {
                (RandomnessRequest Request, ulong[] Message) item;
                while (!_ready.Remove(index, out item))
                {
                    if (_prefetchError is not null)
                    {
                        throw new IOException($"Prefetching dealer items failed: {_prefetchError.Message}", _prefetchError);
                    }
                    Monitor.Wait(_gate);
                }
                if (item.Request != request)
                {
                    throw new DealerPrefetchException($"Item {index} was prefetched as a {item.Request}, but the protocol took a {request}.");
                }
                Interlocked.Increment(ref _prefetched);
                return Taken(request, item.Message);
            }
        }
        message = dealer.TakeItems(jobId, attempt, [(index, request)], cancellationToken)[0];
        lock (_gate)
        {
            return Taken(request, message);
        }
    }

    /// <summary>
    /// Called between two steps (before <paramref name="next"/> takes anything): the items taken since the last call
    /// were <paramref name="done"/>'s. Starts prefetching <paramref name="next"/> when its sequence is confirmed.
    /// </summary>
    public void StepCompleted(StepKind done, StepKind? next)
    {
        lock (_gate)
        {
            RandomnessRequest[] sequence = [.. _step];
            _step.Clear();
            _templates[done] = _templates.TryGetValue(done, out var known) && known.Sequence.AsSpan().SequenceEqual(sequence)
                ? (known.Sequence, known.Confirmations + 1)
                : (sequence, 1);
            if (!prefetch || next is not { } kind || !_templates.TryGetValue(kind, out var template) || template.Confirmations < 2
                || template.Sequence.Length == 0 || _prefetchTo > _takenCount || _prefetchError is not null)
            {
                return;
            }
            _prefetchFrom = _takenCount;
            _prefetchTo = _prefetchFrom + template.Sequence.Length;
            _ = PrefetchAsync(_prefetchFrom, template.Sequence);
        }
    }

    private async Task PrefetchAsync(long first, RandomnessRequest[] sequence)
    {
        await Task.Yield();
        int at = 0, chunk = 4;
        try
        {
            while (at < sequence.Length)
            {
                int n = Math.Min(Math.Min(chunk, DealerEndpoints.MaxItemsPerRequest), sequence.Length - at);
                var items = new (long, RandomnessRequest)[n];
                for (int i = 0; i < n; i++)
                {
                    items[i] = (first + at + i, sequence[at + i]);
                }
                ulong[][] messages = await dealer.TakeItemsAsync(jobId, attempt, items, cancellationToken);
                lock (_gate)
                {
                    for (int i = 0; i < n; i++)
                    {
                        _ready[first + at + i] = (sequence[at + i], messages[i]);
                    }
                    Monitor.PulseAll(_gate);
                }
                at += n;
                chunk *= 4;
            }
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _prefetchError = e;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private ulong[] Taken(RandomnessRequest request, ulong[] message)
    {
        _step.Add(request);
        _takenCount++;
        Interlocked.Increment(ref _items);
        Interlocked.Add(ref _words, message.Length);
        return message;
    }
}

/// <summary>The kind of a training step, all its randomness plan depends on: batch rows, whether it begins an epoch, whether it is the attempt's first.</summary>
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
