using System.Text.Json;
using Imguard.Audit.Ledger;

namespace Imguard.Audit.Api;

/// <summary>An audit record as the query API returns it (hashes in hex).</summary>
public sealed record AuditRecordView(
    long Sequence, DateTimeOffset Timestamp, string EventType, string Actor, IReadOnlyList<string> Subjects,
    JsonElement Properties, string PreviousHash, string RecordHash)
{
    public static AuditRecordView From(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using JsonDocument properties = JsonDocument.Parse(record.PropertiesJson);
        return new AuditRecordView(record.Sequence, record.Timestamp, record.EventType, record.Actor, record.Subjects,
            properties.RootElement.Clone(), Convert.ToHexStringLower(record.PreviousHash), Convert.ToHexStringLower(record.RecordHash));
    }
}
