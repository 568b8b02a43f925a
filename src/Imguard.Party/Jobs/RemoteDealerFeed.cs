using Imguard.Mpc.Preprocessing;

namespace Imguard.Party.Jobs;

/// <summary>
/// A party's dealer messages fetched from the platform item by item (<see cref="IDealerFeed"/> for
/// <see cref="DealerRandomness"/>), for one attempt of one job. The dealer checks that both parties ask for the same
/// request at each index and hands each message out once. Items arrive only when asked for: no request is ever sent
/// for an index before the protocol that consumes it has named it, so a prediction can never put the parties out of
/// step. Counts items and words received.
/// </summary>
public sealed class RemoteDealerFeed(DealerClient dealer, string jobId, int attempt, CancellationToken cancellationToken = default) : IDealerFeed
{
    private long _items;
    private long _words;

    public long ItemsReceived => Interlocked.Read(ref _items);

    public long WordsReceived => Interlocked.Read(ref _words);

    public ulong[] Receive(long index, RandomnessRequest request)
    {
        var message = dealer.TakeItems(jobId, attempt, [(index, request)], cancellationToken)[0];
        Interlocked.Increment(ref _items);
        Interlocked.Add(ref _words, message.Length);
        return message;
    }
}
