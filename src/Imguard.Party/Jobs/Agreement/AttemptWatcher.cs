namespace Imguard.Party.Jobs.Agreement;

/// <summary>Why the dealer replaced a running attempt (set by <see cref="AttemptRendezvous.WatchAsync"/> before it stops the attempt).</summary>
internal sealed class AttemptWatcher
{
    public volatile string? Replaced;
}
