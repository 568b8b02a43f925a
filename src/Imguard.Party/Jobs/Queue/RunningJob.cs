namespace Imguard.Party.Jobs.Queue;

/// <summary>
/// The job this party runs now: its cancellation (set by <see cref="JobQueue.Cancel"/>), the attempt it is in, and
/// whether the dealer's prefetch failed in an earlier attempt of this run (then later attempts fetch without it).
/// </summary>
internal sealed class RunningJob(string jobId, CancellationTokenSource cancellation)
{
    public string JobId => jobId;

    public CancellationTokenSource Cancellation => cancellation;

    public volatile bool CancelRequested;

    public volatile bool PrefetchOff;

    public int Attempt;
}
