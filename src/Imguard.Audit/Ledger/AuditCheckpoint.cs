using Imguard.Contracts.Audit;

namespace Imguard.Audit.Ledger;

/// <summary>
/// A signed statement by the audit server: "the log had <see cref="Sequence"/> records and its chain hash there was
/// <see cref="ChainHash"/>". The signature is ECDSA P-256 / SHA-256 (IEEE P1363, 64 bytes) over
/// <see cref="ChainHashing.CheckpointMessage(AuditCheckpoint)"/>. A checkpoint pins every record up to its sequence
/// number: a rewritten chain no longer matches it, a truncated log no longer reaches it. Checkpoints written since
/// chaining (format 2) also sign their predecessor (<see cref="PreviousSequence"/>, <see cref="PreviousDigest"/>) and
/// the signing <see cref="Policy"/>, so deleting a checkpoint is itself visible.
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

    /// <summary>The checkpoint before this one (0 for the first); null for a format 1 checkpoint.</summary>
    public long? PreviousSequence { get; init; }

    /// <summary>The <see cref="ChainHashing.CheckpointDigest"/> of the checkpoint before (zeros for the first); null for format 1.</summary>
    public byte[]? PreviousDigest { get; init; }

    /// <summary>The signing policy in force when it was signed; null for a format 1 checkpoint.</summary>
    public AuditCheckpointPolicy? Policy { get; init; }

    /// <summary>Whether it is chained (format 2): it names its predecessor and the policy.</summary>
    public bool IsChained => PreviousSequence is not null && PreviousDigest is not null && Policy is not null;

    /// <summary>The checkpoint as JSON on the wire and in copies (hashes and signature in hex).</summary>
    public AuditCheckpointMessage ToMessage() => new()
    {
        Sequence = Sequence,
        Timestamp = Timestamp,
        ChainHash = Convert.ToHexStringLower(ChainHash),
        KeyId = KeyId,
        Signature = Convert.ToHexStringLower(Signature),
        PreviousSequence = PreviousSequence,
        PreviousDigest = PreviousDigest is null ? null : Convert.ToHexStringLower(PreviousDigest),
        Interval = Policy?.Interval,
        PeriodMicroseconds = Policy?.PeriodMicroseconds,
    };

    /// <summary>
    /// A checkpoint read from JSON; throws <see cref="FormatException"/> when a hex field is not hex or the format 2
    /// fields are only partly present. Nothing is verified here: the signature is checked by whoever relies on it.
    /// </summary>
    public static AuditCheckpoint FromMessage(AuditCheckpointMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool chained = message.PreviousSequence is not null || message.PreviousDigest is not null || message.Interval is not null || message.PeriodMicroseconds is not null;
        if (chained && (message.PreviousSequence is null || message.PreviousDigest is null || message.Interval is null || message.PeriodMicroseconds is null))
        {
            throw new FormatException("A chained audit checkpoint needs all of previousSequence, previousDigest, interval and periodMicroseconds.");
        }

        return new AuditCheckpoint
        {
            Sequence = message.Sequence,
            Timestamp = AuditTime.FromMicroseconds(AuditTime.ToMicroseconds(message.Timestamp)),
            ChainHash = Convert.FromHexString(message.ChainHash ?? ""),
            KeyId = message.KeyId ?? "",
            Signature = Convert.FromHexString(message.Signature ?? ""),
            PreviousSequence = message.PreviousSequence,
            PreviousDigest = message.PreviousDigest is { } digest ? Convert.FromHexString(digest) : null,
            Policy = chained ? AuditCheckpointPolicy.FromSigned(message.Interval!.Value, message.PeriodMicroseconds!.Value) : null,
        };
    }
}
