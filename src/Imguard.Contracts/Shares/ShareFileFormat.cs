namespace Imguard.Contracts.Shares;

/// <summary>
/// Constants and hard caps of the share file format (versions 1 and 2; layout in <see cref="ShareFileHeader"/> and
/// <c>docs/share-file-format.md</c>). Hard caps bound what the format can express at all, so every size computed
/// from a header fits the types used to address it; <see cref="ShareFileLimits"/> sets the tighter, configurable
/// bounds a reader enforces.
/// </summary>
public static class ShareFileFormat
{
    /// <summary>"IMGSHARE", the first eight bytes of every share file.</summary>
    public static ReadOnlySpan<byte> Magic => "IMGSHARE"u8;

    /// <summary>The first version: no owner key.</summary>
    public const int Version1 = 1;

    /// <summary>Version 2 adds the owner's public key to the canonical header (the parties bind the half to it).</summary>
    public const int Version2 = 2;

    /// <summary>The newest version this build reads; it writes version 2 when given an owner key, else version 1.</summary>
    public const int NewestVersion = Version2;

    /// <summary>Ring Z_2^64: the only ring the format carries (the header stores it so a later ring is refused, not misread).</summary>
    public const int RingBits = 64;

    /// <summary>SHA-256 output size: header hash, chunk hashes, half digest.</summary>
    public const int HashSize = 32;

    /// <summary>Bytes of a version 1 header that are hashed (everything before the header hash): its canonical header.</summary>
    public const int CanonicalHeaderSizeV1 = 112;

    /// <summary>Version 1 canonical header plus its SHA-256; the payload starts here (8-byte aligned).</summary>
    public const int HeaderSizeV1 = CanonicalHeaderSizeV1 + HashSize;

    /// <summary>Version 2's canonical header: version 1's fields, the owner key's length, reserved bytes and a 128-byte key area.</summary>
    public const int CanonicalHeaderSizeV2 = 248;

    /// <summary>Version 2 canonical header plus its SHA-256; the payload starts here (8-byte aligned).</summary>
    public const int HeaderSizeV2 = CanonicalHeaderSizeV2 + HashSize;

    /// <summary>The largest header of any version this build reads.</summary>
    public const int MaxHeaderSize = HeaderSizeV2;

    /// <summary>The room for the owner key (SubjectPublicKeyInfo DER of a P-256 key: 91 bytes).</summary>
    public const int MaxOwnerKeyLength = 128;

    /// <summary>The canonical header's size for <paramref name="version"/> (1 or 2).</summary>
    public static int CanonicalHeaderSizeOf(int version) => version == Version2 ? CanonicalHeaderSizeV2 : CanonicalHeaderSizeV1;

    /// <summary>The header's size (canonical header and its hash) for <paramref name="version"/> (1 or 2).</summary>
    public static int HeaderSizeOf(int version) => CanonicalHeaderSizeOf(version) + HashSize;

    /// <summary>A <see cref="SharePayloadKind.Seed"/> payload: one 128-bit PRG seed.</summary>
    public const int SeedSize = 16;

    /// <summary>The smallest valid share file: a header, a 16-byte seed payload in one chunk, one chunk hash.</summary>
    public const int MinFileLength = HeaderSizeV1 + SeedSize + HashSize;

    /// <summary>Default payload chunk: 1 MiB (a chunk is hashed before any of its rows is handed out).</summary>
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>Smallest chunk size (one ring element); chunk sizes are multiples of 8.</summary>
    public const int MinChunkSize = 8;

    /// <summary>Largest chunk size: a reader holds one chunk in memory.</summary>
    public const int MaxChunkSize = 64 << 20;

    /// <summary>Longest dataset id.</summary>
    public const int MaxDatasetIdLength = 64;

    /// <summary>Largest channel, height or width.</summary>
    public const int MaxImageDimension = 65535;

    /// <summary>Largest class count the format can express.</summary>
    public const int MaxClassCount = 1 << 24;

    /// <summary>Largest example count (rows are addressed with <see cref="int"/>).</summary>
    public const long MaxExampleCount = int.MaxValue;

    /// <summary>Largest row (D + C scalars), so a row's bytes fit an <see cref="int"/>.</summary>
    public const int MaxRowScalars = int.MaxValue / 8;

    /// <summary>Largest fractional bit count (fewer than the ring's 64 bits, leaving a sign bit).</summary>
    public const int MaxFractionalBits = 62;

    /// <summary>
    /// A dataset id: 1 to 64 characters of <c>[A-Za-z0-9._-]</c>, the first a letter or digit (so ".", ".." and
    /// option-like or hidden names never reach a path). Ids are safe to use as file names as they are.
    /// </summary>
    public static bool IsValidDatasetId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxDatasetIdLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }
        foreach (char ch in id)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Number of payload chunks: ⌈payload / chunk⌉ (at least one, since a payload is never empty).</summary>
    public static long ChunkCount(long payloadBytes, int chunkSize) => (payloadBytes + chunkSize - 1) / chunkSize;

    /// <summary>Exact file length: header (<see cref="HeaderSizeOf"/>) + payload + one SHA-256 per chunk.</summary>
    public static long FileLength(int headerSize, long payloadBytes, int chunkSize) =>
        headerSize + payloadBytes + ChunkCount(payloadBytes, chunkSize) * HashSize;
}
