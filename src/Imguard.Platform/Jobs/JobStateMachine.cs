using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>
/// The allowed job transitions, in one table:
/// <code>
/// AwaitingApproval → Queued (the last required signature arrived) | Declined | Cancelled
/// Queued        → Preprocessing | Cancelled
///               → AwaitingApproval (a signer withdrew before the parties took the job)
/// Preprocessing → Running | Failed | Cancelled
/// Running       → Running (progress) | Succeeded | Failed | Cancelled
///               → Preprocessing, only when resuming from a checkpoint (the offline phase runs again)
/// Succeeded, Failed, Cancelled, Declined: final
/// </code>
/// Everything else is refused with a message that says why, so a runner bug shows up instead of corrupting a job.
/// A final job leaves its state only by its creator's hand (<see cref="ReopenRefusal"/>), never by a runner's or a
/// party's report:
/// <code>
/// Failed, Cancelled                            → Queued (resume, restart: same terms, the approvals stay valid)
/// AwaitingApproval, Declined, Failed, Cancelled → AwaitingApproval (revise: new terms, every approval void)
/// </code>
/// </summary>
public static class JobStateMachine
{
    /// <summary>Whether a job in <paramref name="state"/> is over.</summary>
    public static bool IsFinal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled or JobState.Declined;

    /// <summary>Whether a job in <paramref name="from"/> may go to <paramref name="to"/> (<paramref name="resume"/>: a resume from a checkpoint).</summary>
    public static bool CanTransition(JobState from, JobState to, bool resume = false) => Refusal(from, to, resume) is null;

    /// <summary>Why the transition is refused, or null when it is allowed.</summary>
    public static string? Refusal(JobState from, JobState to, bool resume = false)
    {
        if (!Enum.IsDefined(from) || !Enum.IsDefined(to))
        {
            return "unknown job state.";
        }

        if (IsFinal(from))
        {
            return $"the job is {from.ToString().ToLowerInvariant()}, which is final.";
        }

        bool allowed = (from, to) switch
        {
            (JobState.AwaitingApproval, JobState.Queued or JobState.Declined or JobState.Cancelled) => true,
            (JobState.Queued, JobState.Preprocessing or JobState.Cancelled or JobState.AwaitingApproval) => true,
            (JobState.Preprocessing, JobState.Running or JobState.Failed or JobState.Cancelled) => true,
            (JobState.Running, JobState.Running or JobState.Succeeded or JobState.Failed or JobState.Cancelled) => true,
            (JobState.Running, JobState.Preprocessing) => resume,
            _ => false,
        };
        if (allowed)
        {
            return null;
        }

        return (from, to) switch
        {
            (JobState.Running, JobState.Preprocessing) => "a running job goes back to preprocessing only to resume from a checkpoint.",
            (_, JobState.Queued) => "a job is queued only when its last required approval arrives (or, for an inference job, when it is created).",
            (JobState.AwaitingApproval, _) => "a job waiting for approvals is queued, declined or cancelled first: it runs only once every required key signed.",
            (_, JobState.AwaitingApproval) => "only a queued job goes back to waiting for approvals (a signer withdrew before the parties took it).",
            (_, JobState.Declined) => "only a job waiting for approvals can be declined.",
            (JobState.Queued, JobState.Running or JobState.Succeeded) => "a job is preprocessed first (the offline phase makes its randomness).",
            (JobState.Queued, JobState.Failed) => "a queued job has not started; cancel it instead.",
            (JobState.Preprocessing, JobState.Succeeded) => "a job must run before it can succeed.",
            _ => "that transition is not part of a job's life.",
        };
    }

    /// <summary>
    /// Why a job in <paramref name="from"/> cannot be reopened by <paramref name="action"/> of its creator, or null when
    /// it can. Resume and restart take a stopped job back to Queued; revise takes a job that waits, was declined or
    /// stopped back to AwaitingApproval. A succeeded job keeps its model; a queued or running one is cancelled first.
    /// </summary>
    public static string? ReopenRefusal(JobState from, JobControlAction action)
    {
        if (!Enum.IsDefined(from) || !Enum.IsDefined(action))
        {
            return "unknown job state or action.";
        }
        bool allowed = action switch
        {
            JobControlAction.Resume or JobControlAction.Restart => from is JobState.Failed or JobState.Cancelled,
            _ => from is JobState.AwaitingApproval or JobState.Declined or JobState.Failed or JobState.Cancelled,
        };
        if (allowed)
        {
            return null;
        }
        string state = from.ToString().ToLowerInvariant();
        return (action, from) switch
        {
            (_, JobState.Succeeded) => "the job succeeded: its model stays as it is; start a new job to train another.",
            (JobControlAction.Revise, _) => $"the job is {state}: cancel it first, then revise it.",
            (_, JobState.AwaitingApproval or JobState.Declined) => $"the job is {state}: it never ran with every approval; revise it instead.",
            _ => $"the job is {state}: only a failed or cancelled job is resumed or restarted.",
        };
    }

    /// <summary>Throws when the transition is refused.</summary>
    public static void EnsureCanTransition(JobState from, JobState to, bool resume = false)
    {
        if (Refusal(from, to, resume) is { } reason)
        {
            throw PlatformError.IllegalTransition(from, to, reason);
        }
    }
}
