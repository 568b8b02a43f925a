namespace Imguard.Platform.Jobs;

/// <summary>What a job's creator does to a job that stopped or waits (<see cref="JobControl"/>; the table is <see cref="JobStateMachine.ReopenRefusal"/>).</summary>
public enum JobControlAction
{
    /// <summary>Queued again, next attempt; the parties continue from the newest checkpoint both hold. Same terms, approvals kept.</summary>
    Resume,

    /// <summary>Queued again, next attempt; the parties discard the earlier attempts' checkpoints and model and train from newly dealt weights. Same terms, approvals kept.</summary>
    Restart,

    /// <summary>New settings, datasets or recipients: the revision goes up, every approval is void, the job waits for approvals again.</summary>
    Revise,
}
