namespace Imguard.Audit.Storage;

/// <summary>
/// Row of <c>audit_checkpoints</c>. Deliberately no foreign key to the record it covers: a checkpoint is evidence
/// about the records, and must survive (and then expose) their deletion.
/// </summary>
internal sealed class AuditCheckpointEntity
{
    public long Sequence { get; set; }

    public long TimestampMicroseconds { get; set; }

    public byte[] ChainHash { get; set; } = [];

    public string KeyId { get; set; } = "";

    public byte[] Signature { get; set; } = [];

    // Format 2 (chained) checkpoints: the predecessor and the signing policy. NULL in rows written before chaining.
    public long? PreviousSequence { get; set; }

    public byte[]? PreviousDigest { get; set; }

    public int? PolicyInterval { get; set; }

    public long? PolicyPeriodMicroseconds { get; set; }
}
