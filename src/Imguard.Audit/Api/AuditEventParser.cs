using System.Text.Json;
using Imguard.Audit.Events;
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
        properties.Add(SourceProperty, sourceRole);
        return new AuditEvent(message.EventType ?? "", message.Actor ?? "", message.Subjects ?? [], properties);
    }
}
