using Imguard.Contracts.Jobs;

namespace Imguard.Party.Jobs;

/// <summary>How a start or cancel request went.</summary>
public enum JobCommandStatus
{
    /// <summary>Done (or already so): <see cref="JobCommandResult.Reply"/> has the job's state.</summary>
    Ok,

    /// <summary>The description is unusable; the problem says why.</summary>
    Invalid,

    /// <summary>The job exists here in a way the request cannot change (another description, finished, an old attempt).</summary>
    Conflict,

    /// <summary>No such job here.</summary>
    NotFound,
}

/// <summary>The outcome of <see cref="JobRunner.Start"/> or <see cref="JobRunner.Cancel"/>.</summary>
public sealed record JobCommandResult(JobCommandStatus Status, JobStartReply? Reply, string? Problem = null);
