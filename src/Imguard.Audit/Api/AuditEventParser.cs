using System.Text.Json;
using Imguard.Audit.Events;
using Imguard.Audit.Ledger;
using Imguard.Contracts.Audit;

namespace Imguard.Audit.Api;

/// <summary>
/// Turns a wire message into an <see cref="AuditEvent"/>, validating everything again on the server (the same
/// secret guard as in-process callers), and stamps the sending service's role as the <c>source</c> property, taken
/// from its TLS certificate: a party cannot write an event that claims to come from the platform.
/// </summary>
internal static class AuditEventParser
{
    public const string SourceProperty = "source";

    /// <summary>
    /// Every event of a batch from <paramref name="sourceRole"/>, with its delivery id, validated as a whole: throws
    /// <see cref="ArgumentException"/> (its message names the event's index, never a refused value) for an empty or
    /// oversized batch or any bad event, so a batch is appended whole or not at all.
    /// </summary>
    public static IReadOnlyList<(AuditEvent Event, AuditDelivery? Delivery)> ParseBatch(AuditEventBatch? batch, string sourceRole)
    {
        if (batch?.Events is null || batch.Events.Count == 0 || batch.Events.Count > AuditEventBatch.MaxEvents)
        {
            throw new ArgumentException($"A batch holds 1 to {AuditEventBatch.MaxEvents} events.");
        }

        var events = new List<(AuditEvent Event, AuditDelivery? Delivery)>(batch.Events.Count);
        for (int i = 0; i < batch.Events.Count; i++)
        {
            try
            {
                AuditEventMessage message = batch.Events[i];
                AuditDelivery? delivery = message?.EventId is { } eventId ? new AuditDelivery(sourceRole, eventId) : null;
                events.Add((Parse(message!, sourceRole), delivery));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Event {i}: {e.Message}", e);
            }
        }

        return events;
    }

    public static AuditEvent Parse(AuditEventMessage message, string sourceRole)
    {
        ArgumentNullException.ThrowIfNull(message);
        var properties = new AuditProperties();
        if (message.Properties is JsonElement facts && facts.ValueKind != JsonValueKind.Null)
        {
            if (facts.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("Audit event properties must be a flat JSON object.", nameof(message));
            }
            try
            {
                foreach (JsonProperty fact in facts.EnumerateObject())
                {
                    if (fact.Name == SourceProperty)
                    {
                        throw new ArgumentException($"The property '{SourceProperty}' is set by the audit server.", nameof(message));
                    }
                    switch (fact.Value.ValueKind)
                    {
                        case JsonValueKind.String:
                            properties.Add(fact.Name, fact.Value.GetString()!);
                            break;
                        case JsonValueKind.Number when fact.Value.TryGetInt64(out long number):
                            properties.Add(fact.Name, number);
                            break;
                        case JsonValueKind.True or JsonValueKind.False:
                            properties.Add(fact.Name, fact.Value.GetBoolean());
                            break;
                        default:
                            throw new ArgumentException($"The audit property '{fact.Name}' must be a string, an integer or a boolean.", nameof(message));
                    }
                }
            }
            catch (InvalidOperationException)
            {
                // A JsonElement keeps its bytes as sent; a name or string that is not valid UTF-8 fails only when read.
                throw new ArgumentException("Audit event properties must be valid UTF-8 JSON.", nameof(message));
            }
        }
        properties.Add(SourceProperty, sourceRole);
        return new AuditEvent(message.EventType ?? "", message.Actor ?? "", message.Subjects ?? [], properties);
    }
}
