namespace Imguard.Contracts.Audit;

/// <summary>
/// One signed audit checkpoint on the wire and in copies kept off the audit host (the platform keeps one of each):
/// "the audit log had <see cref="Sequence"/> records and its chain hash there was <see cref="ChainHash"/>", signed by
/// the audit server over <see cref="AuditCheckpointEncoding.SignedBytes(AuditCheckpointMessage)"/>. Checkpoints of
/// format 2 also sign the checkpoint before them (<see cref="PreviousSequence"/>, <see cref="PreviousDigest"/>) and the
/// signing policy in force (<see cref="Interval"/>, <see cref="PeriodMicroseconds"/>), so they form a chain of their
/// own: one deleted from the middle breaks it, and the policy bounds what can follow the last one. Format 1
/// checkpoints (written before chaining) leave those four fields null. Hashes and the signature are lower-case hex.
/// </summary>
public sealed record AuditCheckpointMessage
{
    /// <summary>The sequence number of the last record the checkpoint covers.</summary>
    public required long Sequence { get; init; }

    /// <summary>When it was signed (UTC, microsecond precision).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The record hash of record <see cref="Sequence"/> (SHA-256, hex).</summary>
    public required string ChainHash { get; init; }

    /// <summary>Which key signed it: the first 16 bytes of SHA-256 over the public key's SubjectPublicKeyInfo, hex.</summary>
    public required string KeyId { get; init; }

    /// <summary>ECDSA P-256 / SHA-256 signature, r ‖ s (64 bytes), hex.</summary>
    public required string Signature { get; init; }

    /// <summary>The sequence number of the checkpoint before this one (0 for the first); null in format 1.</summary>
    public long? PreviousSequence { get; init; }

    /// <summary>
    /// <see cref="AuditCheckpointEncoding.Digest"/> of the checkpoint before this one (32 zero bytes for the first),
    /// hex; null in format 1.
    /// </summary>
    public string? PreviousDigest { get; init; }

    /// <summary>The policy's record interval: the next checkpoint comes at most this many records later; null in format 1.</summary>
    public int? Interval { get; init; }

    /// <summary>
    /// The policy's time period in microseconds: while records arrive, the next checkpoint is signed at most this long
    /// after the first record it covers; null in format 1.
    /// </summary>
    public long? PeriodMicroseconds { get; init; }
}
