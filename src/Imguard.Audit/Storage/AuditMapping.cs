using Imguard.Audit.Ledger;

namespace Imguard.Audit.Storage;

/// <summary>Rows ↔ public ledger types.</summary>
internal static class AuditMapping
{
    public static AuditRecord ToRecord(this AuditRecordEntity row) => new()
    {
        Sequence = row.Sequence,
        Timestamp = AuditTime.FromMicroseconds(row.TimestampMicroseconds),
        EventType = row.EventType,
        Actor = row.Actor,
        Subjects = [.. row.Subjects.OrderBy(s => s.Position).Select(s => s.SubjectId)],
        PropertiesJson = row.PropertiesJson,
        PreviousHash = row.PreviousHash,
        RecordHash = row.RecordHash,
        Delivery = row.Sender is { } sender && row.EventId is { } eventId ? new AuditDelivery(sender, eventId) : null,
    };

    public static AuditRecordEntity ToEntity(this AuditRecord record) => new()
    {
        Sequence = record.Sequence,
        TimestampMicroseconds = AuditTime.ToMicroseconds(record.Timestamp),
        EventType = record.EventType,
        Actor = record.Actor,
        PropertiesJson = record.PropertiesJson,
        PreviousHash = record.PreviousHash,
        RecordHash = record.RecordHash,
        Sender = record.Delivery?.Sender,
        EventId = record.Delivery?.EventId,
        Subjects = [.. record.Subjects.Select((s, i) => new AuditSubjectEntity { RecordSequence = record.Sequence, Position = i, SubjectId = s })],
    };

    public static AuditCheckpoint ToCheckpoint(this AuditCheckpointEntity row) => new()
    {
        Sequence = row.Sequence,
        ChainHash = row.ChainHash,
        Timestamp = AuditTime.FromMicroseconds(row.TimestampMicroseconds),
        KeyId = row.KeyId,
        Signature = row.Signature,
        PreviousSequence = row.PreviousSequence,
        PreviousDigest = row.PreviousDigest,
        // A row with only some of the policy columns is not a valid format 2 checkpoint; read as format 1, its
        // signature then fails, which is how such an edit is reported.
        Policy = row.PolicyInterval is { } interval && row.PolicyPeriodMicroseconds is { } period
            ? AuditCheckpointPolicy.FromSigned(interval, period)
            : null,
    };

    public static AuditCheckpointEntity ToEntity(this AuditCheckpoint checkpoint) => new()
    {
        Sequence = checkpoint.Sequence,
        ChainHash = checkpoint.ChainHash,
        TimestampMicroseconds = AuditTime.ToMicroseconds(checkpoint.Timestamp),
        KeyId = checkpoint.KeyId,
        Signature = checkpoint.Signature,
        PreviousSequence = checkpoint.PreviousSequence,
        PreviousDigest = checkpoint.PreviousDigest,
        PolicyInterval = checkpoint.Policy?.Interval,
        PolicyPeriodMicroseconds = checkpoint.Policy?.PeriodMicroseconds,
    };
}
