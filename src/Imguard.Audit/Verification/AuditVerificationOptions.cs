using Imguard.Audit.Ledger;

namespace Imguard.Audit.Verification;

/// <summary>What the verifier assumes beyond the log itself: the signing policy, the time, the server's state, and trusted copies.</summary>
public sealed class AuditVerificationOptions
{
    /// <summary>
    /// The signing policy the records after the last checkpoint are held to when no checkpoint states one (the log
    /// has none, or only checkpoints from before policies were signed): the deployment's configured policy. A
    /// checkpoint's signed policy always wins for the records after it.
    /// </summary>
    public AuditCheckpointPolicy Policy { get; init; } = AuditCheckpointPolicy.Default;

    /// <summary>The time to judge the age of uncovered records by; the system clock when null.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>
    /// How much later than the policy's period a record may still be uncovered: the timer's own delay and clock
    /// difference between the audit host and the verifier.
    /// </summary>
    public TimeSpan ClockTolerance { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The audit server is known to be stopped: it signs a checkpoint at shutdown, so every record must be covered.
    /// (Records left uncovered by a crash are reported too; the server covers them when it starts again.)
    /// </summary>
    public bool ServerStopped { get; init; }

    /// <summary>Trusted checkpoints held outside the log (see <see cref="AuditAnchor"/>).</summary>
    public IReadOnlyList<AuditAnchor> Anchors { get; init; } = [];
}
