namespace Imguard.Platform.Data;

/// <summary>
/// Row of <c>audit_checkpoint_copies</c>: a signed audit checkpoint as the audit server served it (hashes and the
/// signature in hex, the timestamp to the microsecond, so the signature still verifies over the stored fields),
/// kept only after its signature verified under the audit key. Never updated; one per sequence number.
/// </summary>
internal sealed class AuditCheckpointCopyEntity
{
    public long Sequence { get; set; }

    public DateTimeOffset SignedAt { get; set; }

    public string ChainHash { get; set; } = "";

    public string KeyId { get; set; } = "";

    public string Signature { get; set; } = "";

    public long? PreviousSequence { get; set; }

    public string? PreviousDigest { get; set; }

    public int? PolicyInterval { get; set; }

    public long? PolicyPeriodMicroseconds { get; set; }

    /// <summary>When the platform received it.</summary>
    public DateTimeOffset ReceivedAt { get; set; }
}
