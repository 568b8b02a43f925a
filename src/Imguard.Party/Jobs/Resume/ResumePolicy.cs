using Imguard.Contracts.Jobs;
using Imguard.Mpc;

namespace Imguard.Party.Jobs.Resume;

/// <summary>
/// When a job resumes and from where (docs/ARCHITECTURE.md, "Attempts and resume"), as pure rules over what this party
/// holds: its <see cref="JobLocalState"/>, the epoch counts of its checkpoints, and the other party's. An interrupted
/// attempt is never rejoined (its seeds were handed out, its randomness partly consumed), so a job found running asks
/// for the next attempt; both parties resume from the largest epoch count both hold a checkpoint of (each keeps its
/// newest two, and the parties are never more than one epoch apart), or start over from newly dealt weights if none.
/// </summary>
internal static class ResumePolicy
{
    /// <summary>
    /// Whether a job taken from the queue resumes (its first state report says so): it was running when the party
    /// stopped, or it has checkpoints (a failed or cancelled job started again with a higher attempt).
    /// </summary>
    public static bool Resumes(JobLocalState state, IReadOnlyList<int> checkpointEpochs)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(checkpointEpochs);
        return state.State == JobState.Running || checkpointEpochs.Count > 0;
    }

    /// <summary>
    /// The least attempt to ask the dealer for when a job is taken from the queue: the one after the attempt a job
    /// found running was in (an interrupted attempt is never rejoined), else the attempt its state names.
    /// </summary>
    public static int FirstAttempt(JobLocalState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.State == JobState.Running ? state.Attempt + 1 : state.Attempt;
    }

    /// <summary>
    /// The epoch count both parties resume from: the largest of <paramref name="mine"/> that the other party also holds
    /// (<paramref name="theirs"/>, as it sent them: 0 for none, anything outside 1..<see cref="int.MaxValue"/> ignored);
    /// 0 when they hold none in common (start over from newly dealt weights).
    /// </summary>
    public static int ResumeEpoch(IReadOnlyList<int> mine, IEnumerable<ulong> theirs)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(theirs);
        var held = theirs.Where(e => e is > 0 and <= int.MaxValue).Select(e => (int)e).ToHashSet();
        return mine.Where(held.Contains).DefaultIfEmpty(0).Max();
    }

    /// <summary>
    /// Whether a failure of an attempt both parties joined is an interruption a new attempt may get past: the peer or
    /// the platform went away, the dealer replaced the attempt or is busy. The job's own cancellation is checked by the caller.
    /// </summary>
    public static bool IsInterruption(Exception e) => e switch
    {
        DealerRequestException d => d.IsTransient,
        PeerDisconnectedException or PeerProtocolException or TimeoutException or HttpRequestException => true,
        IOException => true,
        TaskCanceledException => true, // an HTTP timeout (the job's own cancellation is checked by the caller)
        _ => false,
    };

    /// <summary>Whether a job may start another attempt after its <paramref name="interruptions"/>-th interruption in this run of the party.</summary>
    public static bool MayResume(int interruptions, int maxResumes) => interruptions <= maxResumes;
}
