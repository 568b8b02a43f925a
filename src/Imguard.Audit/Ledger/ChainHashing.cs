using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Imguard.Audit.Ledger;

/// <summary>
/// The canonical encodings the audit chain hashes and signs. Every field is framed (fixed-width big-endian
/// integers; strings and byte strings as a 4-byte big-endian length then the bytes, strings in UTF-8), and each
/// encoding starts with its own domain tag, so no two different records or checkpoints encode alike.
/// <code>
/// record hash  = SHA-256( str("imguard.audit.record.v1") ‖ u64 sequence ‖ i64 timestamp_µs ‖ str event_type ‖
///                         str actor ‖ u32 subject_count ‖ str subject… ‖ str properties_json ‖ bytes previous_hash )
/// checkpoint   = str("imguard.audit.checkpoint.v1") ‖ u64 sequence ‖ bytes chain_hash ‖ i64 timestamp_µs ‖ str key_id
/// </code>
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

    public static byte[] CheckpointMessage(long sequence, ReadOnlySpan<byte> chainHash, long timestampMicroseconds, string keyId)
    {
        var buffer = new List<byte>(128);
        AppendString(buffer, CheckpointTag);
        AppendInt64(buffer, sequence);
        AppendBytes(buffer, chainHash);
        AppendInt64(buffer, timestampMicroseconds);
        AppendString(buffer, keyId);
        return [.. buffer];
    }

    public static byte[] CheckpointMessage(AuditCheckpoint checkpoint) =>
        CheckpointMessage(checkpoint.Sequence, checkpoint.ChainHash, AuditTime.ToMicroseconds(checkpoint.Timestamp), checkpoint.KeyId);

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

    private static void AppendInt64(List<byte> buffer, long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, value);
        buffer.AddRange(b);
    }

    private static void AppendBytes(List<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
        buffer.AddRange(length);
        buffer.AddRange(bytes);
    }

    private static void AppendString(List<byte> buffer, string value) => AppendBytes(buffer, Encoding.UTF8.GetBytes(value));
}
