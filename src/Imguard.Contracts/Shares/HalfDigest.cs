using System.Security.Cryptography;

namespace Imguard.Contracts.Shares;

/// <summary>
/// The fingerprint of one party's half: SHA-256(canonical header ‖ chunk hash 0 ‖ … ‖ chunk hash K-1), see
/// <see cref="ShareFileHeader"/>. The owner computes both halves' digests when it splits; each party reports the
/// digest of the file it verified; the platform compares them, so it can tell that two halves belong together (same
/// id, shape, count, and exactly the bytes the owner produced) without ever seeing a share. A digest reveals nothing
/// about the data: the chunks it commits to are uniformly random shares (or a 128-bit seed).
/// </summary>
public sealed class HalfDigest : IEquatable<HalfDigest>
{
    /// <summary>Digest length in bytes.</summary>
    public const int Size = ShareFileFormat.HashSize;

    private readonly byte[] _bytes;

    /// <summary>Wraps 32 digest bytes (copied).</summary>
    public HalfDigest(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw ContractsError.LengthMismatchArgument(nameof(bytes), "a half digest", Size, bytes.Length);
        }
        _bytes = bytes.ToArray();
    }

    /// <summary>The 32 digest bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Parses 64 hexadecimal characters (either case).</summary>
    public static HalfDigest FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != Size * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            throw ContractsError.InvalidHex(nameof(hex), Size * 2);
        }
        return new HalfDigest(Convert.FromHexString(hex));
    }

    /// <summary>Lowercase hex, the form the platform and the audit log store.</summary>
    public string ToHex() => Convert.ToHexStringLower(_bytes);

    /// <inheritdoc/>
    public override string ToString() => ToHex();

    /// <inheritdoc/>
    public bool Equals(HalfDigest? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as HalfDigest);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    /// <summary>Value equality.</summary>
    public static bool operator ==(HalfDigest? left, HalfDigest? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(HalfDigest? left, HalfDigest? right) => !(left == right);

    /// <summary>The digest definition, in one place: SHA-256(canonical header ‖ chunk hashes in order).</summary>
    internal static HalfDigest Compute(ReadOnlySpan<byte> canonicalHeader, ReadOnlySpan<byte> chunkHashes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(canonicalHeader);
        hash.AppendData(chunkHashes);
        Span<byte> digest = stackalloc byte[Size];
        hash.GetHashAndReset(digest);
        return new HalfDigest(digest);
    }
}
