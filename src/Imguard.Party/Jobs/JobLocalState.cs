namespace Imguard.Party.Jobs;

/// <summary>
/// A job's state as this party keeps it (<c>state.json</c> in the job folder): queued, running, succeeded, failed or
/// cancelled, the attempt it runs or last ran, why it failed (no values), and the epochs of its newest checkpoint.
/// A job found <c>running</c> at start-up was interrupted and is resumed.
/// </summary>
public sealed record JobLocalState(string State, int Attempt, string? Message, DateTimeOffset UpdatedAt)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public bool IsFinal => State is Succeeded or Failed or Cancelled;
}
