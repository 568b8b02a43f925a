using System.Text.Json;

namespace Imguard.Contracts.Audit;

/// <summary>
/// One audit event on the wire, from a service (platform, party) to the audit server: what happened, who did it, to
/// what, and a flat JSON object of non-secret facts (ids, sizes, hashes, counts: strings, integers, booleans). The
/// audit server validates it again (<c>Imguard.Audit.Events.AuditEvent</c>) and refuses anything that looks like a
/// secret; senders should never put one here in the first place.
/// </summary>
public sealed record AuditEventMessage
{
    /// <summary>Lower-case dotted words, e.g. <c>dataset.ready</c>; see <see cref="AuditEventTypes"/>.</summary>
    public required string EventType { get; init; }

    /// <summary>Who did it: <c>user:alice</c>, <c>party:0</c>, <c>platform</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>The ids the event is about, e.g. <c>project:7</c>, <c>dataset:ds-12</c>.</summary>
    public IReadOnlyList<string> Subjects { get; init; } = [];

    /// <summary>Flat object of non-secret facts; values are strings, integers or booleans.</summary>
    public JsonElement? Properties { get; init; }
}
