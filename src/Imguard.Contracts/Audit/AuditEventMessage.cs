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
    /// <summary>The longest <see cref="EventId"/>.</summary>
    public const int MaxEventIdLength = 64;

    /// <summary>
    /// The id the sender gave the event when it emitted it (the audit client uses 128 random bits in lower-case hex),
    /// kept unchanged when the event is sent again. The audit server appends an event with a given id from a given
    /// sender role once and answers success for any repeat, so an at-least-once sender (the durable outbox resends
    /// after a crash) yields exactly one record. Optional, for senders that predate it: an event without an id is
    /// appended every time it arrives. 1 to <see cref="MaxEventIdLength"/> characters: ASCII letters, digits,
    /// <c>-</c> and <c>_</c>.
    /// </summary>
    public string? EventId { get; init; }

    /// <summary>Lower-case dotted words, e.g. <c>dataset.ready</c>; see <see cref="AuditEventTypes"/>.</summary>
    public required string EventType { get; init; }

    /// <summary>Who did it: <c>user:alice</c>, <c>party:0</c>, <c>platform</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>The ids the event is about, e.g. <c>project:7</c>, <c>dataset:ds-12</c>.</summary>
    public IReadOnlyList<string> Subjects { get; init; } = [];

    /// <summary>Flat object of non-secret facts; values are strings, integers or booleans.</summary>
    public JsonElement? Properties { get; init; }

    /// <summary>Whether <paramref name="eventId"/> has the form <see cref="EventId"/> allows.</summary>
    public static bool IsValidEventId(string? eventId) =>
        eventId is { Length: > 0 and <= MaxEventIdLength } && eventId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
