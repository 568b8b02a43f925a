namespace Imguard.Contracts.Audit;

/// <summary>Events a service sends in one request, in the order they happened.</summary>
public sealed record AuditEventBatch
{
    /// <summary>The most events one request may carry.</summary>
    public const int MaxEvents = 256;

    public required IReadOnlyList<AuditEventMessage> Events { get; init; }
}
