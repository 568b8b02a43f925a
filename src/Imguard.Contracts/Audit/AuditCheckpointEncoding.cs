using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Imguard.Contracts.Audit;

/// <summary>
/// The bytes an audit checkpoint's signature covers, and the digest by which the next checkpoint names it. Every
/// field is framed (fixed-width big-endian integers; strings and byte strings as a 4-byte big-endian length then the
/// bytes, strings in UTF-8) after a domain tag of its own, so no two checkpoints, and no checkpoint and record, encode
/// alike:
/// <code>
/// format 1 = str("imguard.audit.checkpoint.v1") ‖ u64 sequence ‖ bytes chain_hash ‖ i64 timestamp_µs ‖ str key_id
/// format 2 = str("imguard.audit.checkpoint.v2") ‖ u64 sequence ‖ bytes chain_hash ‖ i64 timestamp_µs ‖ str key_id ‖
///            u64 previous_sequence ‖ bytes previous_digest ‖ u32 interval ‖ i64 period_µs
/// digest   = SHA-256(signed bytes)
/// </code>
/// The digest is taken over the signed bytes, not the signature, because ECDSA signatures are randomised: the same
/// checkpoint has one digest whoever re-encodes it.
/// </summary>
public static class AuditCheckpointEncoding
{
    /// <summary>SHA-256 output size: chain hashes and digests.</summary>
    public const int HashSize = 32;

    /// <summary>The signature size: r ‖ s of P-256.</summary>
    public const int SignatureSize = 64;

    private const string Format1Tag = "imguard.audit.checkpoint.v1";
    private const string Format2Tag = "imguard.audit.checkpoint.v2";

    /// <summary>The signed bytes of a format 1 checkpoint (no chain, no policy).</summary>
    public static byte[] SignedBytes(long sequence, ReadOnlySpan<byte> chainHash, long timestampMicroseconds, string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var buffer = new List<byte>(128);
        AppendString(buffer, Format1Tag);
        AppendInt64(buffer, sequence);
        AppendBytes(buffer, chainHash);
        AppendInt64(buffer, timestampMicroseconds);
        AppendString(buffer, keyId);
        return [.. buffer];
    }

    /// <summary>The signed bytes of a format 2 checkpoint: chained to its predecessor, with the signing policy.</summary>
    public static byte[] SignedBytes(
        long sequence, ReadOnlySpan<byte> chainHash, long timestampMicroseconds, string keyId,
        long previousSequence, ReadOnlySpan<byte> previousDigest, int interval, long periodMicroseconds)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var buffer = new List<byte>(200);
        AppendString(buffer, Format2Tag);
        AppendInt64(buffer, sequence);
        AppendBytes(buffer, chainHash);
        AppendInt64(buffer, timestampMicroseconds);
        AppendString(buffer, keyId);
        AppendInt64(buffer, previousSequence);
        AppendBytes(buffer, previousDigest);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, unchecked((uint)interval));
        buffer.AddRange(b);
        AppendInt64(buffer, periodMicroseconds);
        return [.. buffer];
    }

    /// <summary>
    /// The signed bytes of a checkpoint read from the wire. Throws <see cref="FormatException"/> when a hex field is
    /// not hex or the format 2 fields are only partly present.
    /// </summary>
    public static byte[] SignedBytes(AuditCheckpointMessage checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        byte[] chainHash = FromHex(checkpoint.ChainHash, nameof(checkpoint.ChainHash));
        long timestamp = ToMicroseconds(checkpoint.Timestamp);
        bool chained = checkpoint.PreviousSequence is not null || checkpoint.PreviousDigest is not null ||
            checkpoint.Interval is not null || checkpoint.PeriodMicroseconds is not null;
        if (!chained)
        {
            return SignedBytes(checkpoint.Sequence, chainHash, timestamp, checkpoint.KeyId ?? "");
        }
        if (checkpoint.PreviousSequence is not { } previous || checkpoint.PreviousDigest is not { } previousDigest ||
            checkpoint.Interval is not { } interval || checkpoint.PeriodMicroseconds is not { } period)
        {
            throw new FormatException("A chained audit checkpoint needs all of previousSequence, previousDigest, interval and periodMicroseconds.");
        }
        return SignedBytes(checkpoint.Sequence, chainHash, timestamp, checkpoint.KeyId ?? "", previous,
            FromHex(previousDigest, nameof(checkpoint.PreviousDigest)), interval, period);
    }

    /// <summary>The digest the next checkpoint names this one by: SHA-256 of its signed bytes.</summary>
    public static byte[] Digest(ReadOnlySpan<byte> signedBytes) => SHA256.HashData(signedBytes);

    /// <summary>The previous digest of the first checkpoint of a log: 32 zero bytes.</summary>
    public static byte[] GenesisDigest() => new byte[HashSize];

    /// <summary>A key's id: the first 16 bytes of SHA-256 over its DER SubjectPublicKeyInfo, lower-case hex.</summary>
    public static string KeyId(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo).AsSpan(0, 16));

    /// <summary>Whole microseconds since the Unix epoch, UTC: the resolution audit timestamps are hashed and signed at.</summary>
    public static long ToMicroseconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    private static byte[] FromHex(string? hex, string field)
    {
        try
        {
            return Convert.FromHexString(hex ?? "");
        }
        catch (FormatException)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The checkpoint's {field} is not hexadecimal."));
        }
    }

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
