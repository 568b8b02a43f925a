using Imguard.Contracts.Audit;

namespace Imguard.Audit.Ledger;

/// <summary>
/// Who delivered an event and the id it gave the event when it emitted it. The log appends at most one record per
/// (<see cref="Sender"/>, <see cref="EventId"/>) (a unique index backs this up), so a sender that delivers at least
/// once — its outbox resends whatever it was not sure was accepted — still leaves exactly one record.
/// </summary>
public sealed record AuditDelivery
{
    /// <summary>The longest sender name.</summary>
    public const int MaxSenderLength = 32;

    public AuditDelivery(string sender, string eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sender);
        if (sender.Length > MaxSenderLength)
        {
            throw AuditError.TooLong(nameof(sender), "sender", sender.Length, MaxSenderLength);
        }
        if (!AuditEventMessage.IsValidEventId(eventId))
        {
            throw AuditError.BadCharacters(nameof(eventId), "event id",
                $"1 to {AuditEventMessage.MaxEventIdLength} ASCII letters, digits, '-' and '_'");
        }
        Sender = sender;
        EventId = eventId;
    }

    /// <summary>The sending service's role, from its TLS certificate (e.g. <c>party-0</c>).</summary>
    public string Sender { get; }

    /// <summary>The id the sender gave the event.</summary>
    public string EventId { get; }
}
