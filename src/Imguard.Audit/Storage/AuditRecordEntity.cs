namespace Imguard.Audit.Storage;

/// <summary>Row of <c>audit_records</c>. The sequence number is the key and is assigned by the log, never generated.</summary>
internal sealed class AuditRecordEntity
{
    public long Sequence { get; set; }

    public long TimestampMicroseconds { get; set; }

    public string EventType { get; set; } = "";

    public string Actor { get; set; } = "";

    public string PropertiesJson { get; set; } = "";

    public byte[] PreviousHash { get; set; } = [];

    public byte[] RecordHash { get; set; } = [];

    /// <summary>The delivering sender role, with <see cref="EventId"/>; null for events appended without an id.</summary>
    public string? Sender { get; set; }

    public string? EventId { get; set; }

    public List<AuditSubjectEntity> Subjects { get; set; } = [];
}
