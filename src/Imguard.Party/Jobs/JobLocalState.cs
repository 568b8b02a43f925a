using Imguard.Contracts.Jobs;

namespace Imguard.Party.Jobs;

/// <summary>
/// A job's state as this party keeps it (<c>state.json</c> in the job folder): queued, running, succeeded, failed or
/// cancelled, the attempt it runs or last ran, why it failed (no values), and the epochs of its newest checkpoint.
/// A job found <c>running</c> at start-up was interrupted and is resumed.
/// </summary>
public sealed record JobLocalState(JobState State, int Attempt, string? Message, DateTimeOffset UpdatedAt)
{
    public bool IsFinal => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}
