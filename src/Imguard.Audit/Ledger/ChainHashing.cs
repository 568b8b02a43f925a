using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Imguard.Contracts.Audit;

namespace Imguard.Audit.Ledger;

/// <summary>
/// The canonical encodings the audit chain hashes and signs. Every field is framed (fixed-width big-endian
/// integers; strings and byte strings as a 4-byte big-endian length then the bytes, strings in UTF-8), and each
/// encoding starts with its own domain tag, so no two different records or checkpoints encode alike.
/// <code>
/// record hash  = SHA-256( str("imguard.audit.record.v1") ‖ u64 sequence ‖ i64 timestamp_µs ‖ str event_type ‖
///                         str actor ‖ u32 subject_count ‖ str subject… ‖ str properties_json ‖ bytes previous_hash )
/// </code>
/// Checkpoints are encoded by <see cref="AuditCheckpointEncoding"/> (in Contracts, so that verifiers off the audit host,
/// the platform among them, read the same bytes).
/// </summary>
internal static class ChainHashing
{
    public const int HashSize = SHA256.HashSizeInBytes;

    private const string RecordTag = "imguard.audit.record.v1";
    private const string CheckpointTag = "imguard.audit.checkpoint.v1";

    /// <summary>The previous hash of record 1.</summary>
    public static byte[] GenesisHash() => new byte[HashSize];

    public static byte[] RecordHash(
        long sequence, long timestampMicroseconds, string eventType, string actor, IReadOnlyList<string> subjects,
        string propertiesJson, ReadOnlySpan<byte> previousHash)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(hash, RecordTag);
        AppendInt64(hash, sequence);
        AppendInt64(hash, timestampMicroseconds);
        AppendString(hash, eventType);
        AppendString(hash, actor);
        AppendUInt32(hash, (uint)subjects.Count);
        foreach (string subject in subjects)
        {
            AppendString(hash, subject);
        }

        AppendString(hash, propertiesJson);
        AppendBytes(hash, previousHash);
        return hash.GetHashAndReset();
    }

    public static byte[] RecordHash(AuditRecord record) =>
        RecordHash(record.Sequence, AuditTime.ToMicroseconds(record.Timestamp), record.EventType, record.Actor,
            record.Subjects, record.PropertiesJson, record.PreviousHash);

    /// <summary>The bytes a checkpoint's signature covers (format 1 or 2; see <see cref="AuditCheckpointEncoding"/>).</summary>
    public static byte[] CheckpointMessage(AuditCheckpoint checkpoint)
    {
        long timestamp = AuditTime.ToMicroseconds(checkpoint.Timestamp);
        if (checkpoint.PreviousSequence is { } previous && checkpoint.PreviousDigest is { } previousDigest && checkpoint.Policy is { } policy)
        {
            return AuditCheckpointEncoding.SignedBytes(checkpoint.Sequence, checkpoint.ChainHash, timestamp, checkpoint.KeyId,
                previous, previousDigest, policy.Interval, policy.PeriodMicroseconds);
        }

        return AuditCheckpointEncoding.SignedBytes(checkpoint.Sequence, checkpoint.ChainHash, timestamp, checkpoint.KeyId);
    }

    /// <summary>How the next checkpoint names this one: SHA-256 of its signed bytes.</summary>
    public static byte[] CheckpointDigest(AuditCheckpoint checkpoint) => AuditCheckpointEncoding.Digest(CheckpointMessage(checkpoint));

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, value);
        hash.AppendData(b);
    }

    private static void AppendUInt32(IncrementalHash hash, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        hash.AppendData(b);
    }

    private static void AppendBytes(IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        AppendUInt32(hash, (uint)bytes.Length);
        hash.AppendData(bytes);
    }

    private static void AppendString(IncrementalHash hash, string value) => AppendBytes(hash, Encoding.UTF8.GetBytes(value));
}
