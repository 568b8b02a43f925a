namespace Imguard.Audit.Ledger;

/// <summary>
/// One record of the hash-chained audit log. <see cref="RecordHash"/> is SHA-256 over a length-prefixed encoding
/// of every other field, <see cref="PreviousHash"/> included (see <see cref="ChainHashing"/>), so editing,
/// deleting or reordering records breaks the chain. Sequence numbers are dense from 1; the first record's previous
/// hash is 32 zero bytes.
/// </summary>
public sealed class AuditRecord
{
    /// <summary>The position in the log, 1, 2, 3, … without gaps.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the log appended it (UTC, microsecond precision, never earlier than the previous record).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public required string EventType { get; init; }

    public required string Actor { get; init; }

    public required IReadOnlyList<string> Subjects { get; init; }

    /// <summary>The non-secret properties as the compact JSON text that was hashed.</summary>
    public required string PropertiesJson { get; init; }

    /// <summary>The <see cref="RecordHash"/> of the record before this one (32 zero bytes for the first).</summary>
    public required byte[] PreviousHash { get; init; }

    /// <summary>SHA-256 over this record's fields and <see cref="PreviousHash"/>: the chain hash at this record.</summary>
    public required byte[] RecordHash { get; init; }

    /// <summary>
    /// Which sender role delivered the event and the id it gave it (<see cref="AuditDelivery"/>), or null for an
    /// event appended without one. Delivery bookkeeping for exactly-once appends: not part of <see cref="RecordHash"/>.
    /// </summary>
    public AuditDelivery? Delivery { get; init; }
}
