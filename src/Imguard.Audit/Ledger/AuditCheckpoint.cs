namespace Imguard.Audit.Ledger;

/// <summary>
/// A signed statement by the audit server: "the log had <see cref="Sequence"/> records and its chain hash there was
/// <see cref="ChainHash"/>". The signature is ECDSA P-256 / SHA-256 (IEEE P1363, 64 bytes) over
/// <see cref="ChainHashing.CheckpointMessage"/>. A checkpoint pins every record up to its sequence number: a
/// rewritten chain no longer matches it, a truncated log no longer reaches it.
/// </summary>
public sealed class AuditCheckpoint
{
    /// <summary>The sequence number of the last record this checkpoint covers.</summary>
    public required long Sequence { get; init; }

    /// <summary>The <see cref="AuditRecord.RecordHash"/> of record <see cref="Sequence"/>.</summary>
    public required byte[] ChainHash { get; init; }

    /// <summary>When it was signed (UTC, microsecond precision).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Which key signed it: <see cref="Signing.AuditVerificationKey.KeyId"/>.</summary>
    public required string KeyId { get; init; }

    /// <summary>ECDSA P-256 signature, r ‖ s, 64 bytes.</summary>
    public required byte[] Signature { get; init; }
}
