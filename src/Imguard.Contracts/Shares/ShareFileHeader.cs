using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Imguard.Contracts.Consent;

namespace Imguard.Contracts.Shares;

/// <summary>
/// The header of a share file: what one party's half of a labelled dataset is, without any of its content. A party
/// stores and trains on the file; the platform sees only the header fields and the <see cref="HalfDigest"/>.
/// </summary>
/// <remarks>
/// <para>File layout, versions 1 and 2. All integers are little-endian and unsigned. Version 2 (written whenever the
/// owner's key is given) inserts the owner's public key before the header hash, inside the canonical header, so the
/// half digest the owner registers pins the key and each party binds the half to it at upload, without the platform.</para>
/// <code>
/// offset size  field
///      0    8  magic "IMGSHARE"
///      8    2  version = 1
///     10    1  party id (0 or 1)
///     11    1  payload kind (1 = Tensor, 2 = Seed; Seed only for party 0)
///     12    1  ring bits = 64
///     13    1  fractional bits f (0..62)
///     14    1  dataset id length L (1..64)
///     15    1  reserved = 0
///     16   64  dataset id: L ASCII bytes of [A-Za-z0-9._-] (first a letter or digit), then zeros
///     80    4  channels   (1..65535)
///     84    4  height     (1..65535)
///     88    4  width      (1..65535)
///     92    4  classes C  (2..2^24)
///     96    8  example count N (1..2^31-1)
///    104    4  chunk size in bytes (8..64 MiB, a multiple of 8)
///    108    4  reserved = 0
///    112   32  version 1: header SHA-256 = SHA-256(bytes 0..111); the payload starts at H = 144
///    112    2  version 2: owner key length K (1..128)
///    114    6  version 2: reserved = 0
///    120  128  version 2: owner key: K bytes of SubjectPublicKeyInfo DER (ECDSA P-256), then zeros
///    248   32  version 2: header SHA-256 = SHA-256(bytes 0..247); the payload starts at H = 280
///      H    P  payload: Tensor: N rows of D + C ring elements (8 bytes each), row = [image share, D = c·h·w
///              scalars | one-hot label share, C scalars], so P = N·(D + C)·8; Seed: the 16-byte seed, P = 16
///    H+P  32·K trailer: SHA-256 of each payload chunk in order; K = ⌈P / chunk size⌉, the last chunk may be short
/// </code>
/// <para>The file is exactly H + P + 32·K bytes; anything shorter or longer is refused. The bytes before the header
/// hash are the <em>canonical header</em>: reserved bytes, id and key padding must be zero, so one header has one
/// encoding.</para>
/// <para><see cref="HalfDigest"/> = SHA-256(canonical header ‖ chunk hash 0 ‖ … ‖ chunk hash K-1): it pins every byte
/// of the file, and the platform compares it with the digest the owner registered without seeing a share.</para>
/// </remarks>
public sealed record ShareFileHeader
{
    // Offsets of the version 1 layout above.
    internal const int VersionOffset = 8;
    internal const int PartyOffset = 10;
    internal const int KindOffset = 11;
    internal const int RingBitsOffset = 12;
    internal const int FractionalBitsOffset = 13;
    internal const int IdLengthOffset = 14;
    internal const int Reserved1Offset = 15;
    internal const int IdOffset = 16;
    internal const int ChannelsOffset = 80;
    internal const int HeightOffset = 84;
    internal const int WidthOffset = 88;
    internal const int ClassesOffset = 92;
    internal const int CountOffset = 96;
    internal const int ChunkSizeOffset = 104;
    internal const int Reserved2Offset = 108;
    internal const int OwnerKeyLengthOffset = 112;
    internal const int Reserved3Offset = 114;
    internal const int Reserved3Size = 6;
    internal const int OwnerKeyOffset = 120;

    /// <summary>Describes one party's half; every field is checked against the format (not against limits).</summary>
    public ShareFileHeader(string datasetId, int partyId, SharePayloadKind payloadKind, int fractionalBits,
        int channels, int height, int width, int classes, long exampleCount, int chunkSize = ShareFileFormat.DefaultChunkSize,
        ReadOnlyMemory<byte> ownerKey = default)
    {
        string? problem = Check(datasetId, partyId, payloadKind, ShareFileFormat.RingBits, fractionalBits, chunkSize)
            ?? CheckShape(channels, height, width, classes, exampleCount)
            ?? (ownerKey.IsEmpty ? null : CheckOwnerKey(ownerKey.Span));
        if (problem is not null)
        {
            throw ContractsError.InvalidHeaderField($"Invalid share file header: {problem}.");
        }
        DatasetId = datasetId;
        PartyId = partyId;
        PayloadKind = payloadKind;
        FractionalBits = fractionalBits;
        Channels = channels;
        Height = height;
        Width = width;
        Classes = classes;
        ExampleCount = exampleCount;
        ChunkSize = chunkSize;
        OwnerKey = ownerKey.IsEmpty ? null : ownerKey.ToArray();
    }

    /// <summary>2 when the header carries the owner's key, else 1.</summary>
    public int Version => OwnerKey is null ? ShareFileFormat.Version1 : ShareFileFormat.Version2;

    /// <summary>
    /// The owner's public key (SubjectPublicKeyInfo DER, ECDSA P-256; <see cref="OwnerKeys"/>), or null in a version 1
    /// file. A party uses a half only in jobs this key approved. Callers must not change the array.
    /// </summary>
    public byte[]? OwnerKey { get; }

    /// <summary>Bytes before the header hash (the canonical header, what the header hash and the half digest cover).</summary>
    public int CanonicalHeaderSize => ShareFileFormat.CanonicalHeaderSizeOf(Version);

    /// <summary>Where the payload starts: the canonical header and its hash.</summary>
    public int HeaderSize => ShareFileFormat.HeaderSizeOf(Version);

    /// <summary>The dataset this half belongs to (both halves carry the same id).</summary>
    public string DatasetId { get; }

    /// <summary>0 or 1: the party that stores this half.</summary>
    public int PartyId { get; }

    /// <summary>A full tensor or a seed (party 0 only).</summary>
    public SharePayloadKind PayloadKind { get; }

    /// <summary>Always 64 (ring Z_2^64).</summary>
    public int RingBits { get; } = ShareFileFormat.RingBits;

    /// <summary>Fixed-point fractional bits f: the encoding of 1.0 is 2^f.</summary>
    public int FractionalBits { get; }

    /// <summary>Image channels.</summary>
    public int Channels { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Number of classes C (the width of a one-hot label).</summary>
    public int Classes { get; }

    /// <summary>Number of examples N (rows).</summary>
    public long ExampleCount { get; }

    /// <summary>Payload chunk size in bytes (each chunk has its own SHA-256 in the trailer).</summary>
    public int ChunkSize { get; }

    /// <summary>D = channels · height · width.</summary>
    public int ImageScalars => Channels * Height * Width;

    /// <summary>D + C: ring elements per row.</summary>
    public int RowScalars => ImageScalars + Classes;

    /// <summary>N · (D + C): ring elements of the whole half (what a seed payload expands to).</summary>
    public long TotalScalars => ExampleCount * RowScalars;

    /// <summary>P: payload bytes (N · (D + C) · 8, or 16 for a seed).</summary>
    public long PayloadBytes => PayloadKind == SharePayloadKind.Seed ? ShareFileFormat.SeedSize : TotalScalars * 8;

    /// <summary>K: payload chunks, one SHA-256 each in the trailer.</summary>
    public long ChunkCount => ShareFileFormat.ChunkCount(PayloadBytes, ChunkSize);

    /// <summary>Where the trailer starts.</summary>
    public long TrailerOffset => HeaderSize + PayloadBytes;

    /// <summary>The exact length of a valid file with this header.</summary>
    public long FileLength => ShareFileFormat.FileLength(HeaderSize, PayloadBytes, ChunkSize);

    /// <summary>The header bytes (144 in version 1, 280 in version 2): the canonical header followed by its SHA-256.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[HeaderSize];
        WriteCanonical(bytes.AsSpan(0, CanonicalHeaderSize));
        SHA256.HashData(bytes.AsSpan(0, CanonicalHeaderSize), bytes.AsSpan(CanonicalHeaderSize));
        return bytes;
    }

    /// <summary>
    /// Parses and checks the header at the start of <paramref name="bytes"/> (144 or 280 bytes by its version; more may
    /// follow): magic, version, header hash, every field, then the size <paramref name="limits"/> (before the caller
    /// allocates anything).
    /// </summary>
    /// <exception cref="ShareFileException">The bytes are not a valid version 1 or 2 header within the limits.</exception>
    public static ShareFileHeader Parse(ReadOnlySpan<byte> bytes, ShareFileLimits? limits = null, string? name = null) =>
        ParseCore(bytes, limits, name is null ? "The share file" : $"Share file '{name}'");

    /// <summary><see cref="Parse"/> with the file already described for messages.</summary>
    internal static ShareFileHeader ParseCore(ReadOnlySpan<byte> bytes, ShareFileLimits? limits, string what)
    {
        limits ??= ShareFileLimits.Default;
        if (bytes.Length >= ShareFileFormat.Magic.Length && !bytes[..ShareFileFormat.Magic.Length].SequenceEqual(ShareFileFormat.Magic))
        {
            throw ContractsError.NotAShareFile(what);
        }
        if (bytes.Length < ShareFileFormat.HeaderSizeV1)
        {
            throw ContractsError.TooShort(what, bytes.Length, ShareFileFormat.HeaderSizeV1);
        }
        int version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[VersionOffset..]);
        if (version is not (ShareFileFormat.Version1 or ShareFileFormat.Version2))
        {
            throw ContractsError.UnsupportedVersion(what, version);
        }
        int canonicalSize = ShareFileFormat.CanonicalHeaderSizeOf(version);
        if (bytes.Length < canonicalSize + ShareFileFormat.HashSize)
        {
            throw ContractsError.TooShort(what, bytes.Length, canonicalSize + ShareFileFormat.HashSize);
        }
        Span<byte> hash = stackalloc byte[ShareFileFormat.HashSize];
        SHA256.HashData(bytes[..canonicalSize], hash);
        if (!CryptographicOperations.FixedTimeEquals(hash, bytes.Slice(canonicalSize, ShareFileFormat.HashSize)))
        {
            throw ContractsError.HeaderCorrupt(what);
        }
        byte[]? ownerKey = version == ShareFileFormat.Version2 ? ParseOwnerKey(bytes, what) : null;

        int party = bytes[PartyOffset];
        var kind = (SharePayloadKind)bytes[KindOffset];
        int ringBits = bytes[RingBitsOffset];
        int fractionalBits = bytes[FractionalBitsOffset];
        int idLength = bytes[IdLengthOffset];
        if (idLength is < 1 or > ShareFileFormat.MaxDatasetIdLength)
        {
            throw ContractsError.InvalidHeader(what, $"dataset id length {idLength} outside [1, {ShareFileFormat.MaxDatasetIdLength}]");
        }
        var idBytes = bytes.Slice(IdOffset, ShareFileFormat.MaxDatasetIdLength);
        if (idBytes[idLength..].ContainsAnyExcept((byte)0) || bytes[Reserved1Offset] != 0 || BinaryPrimitives.ReadUInt32LittleEndian(bytes[Reserved2Offset..]) != 0)
        {
            throw ContractsError.InvalidHeader(what, "reserved bytes or id padding are not zero");
        }
        if (idBytes[..idLength].ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
        {
            throw ContractsError.InvalidHeader(what, "the dataset id is not printable ASCII");
        }
        string datasetId = Encoding.ASCII.GetString(idBytes[..idLength]);
        uint chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[ChunkSizeOffset..]);
        string? problem = Check(datasetId, party, kind, ringBits, fractionalBits, chunkSize);
        if (problem is not null)
        {
            throw ContractsError.InvalidHeader(what, problem);
        }

        uint channels = BinaryPrimitives.ReadUInt32LittleEndian(bytes[ChannelsOffset..]);
        uint height = BinaryPrimitives.ReadUInt32LittleEndian(bytes[HeightOffset..]);
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(bytes[WidthOffset..]);
        uint classes = BinaryPrimitives.ReadUInt32LittleEndian(bytes[ClassesOffset..]);
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(bytes[CountOffset..]);
        if (channels == 0 || height == 0 || width == 0 || classes < 2 || count == 0)
        {
            throw ContractsError.InvalidHeader(what, "a dimension, the class count (at least 2) or the example count is zero");
        }
        // Sizes against the limits, in 128-bit arithmetic so no product can overflow, before anything is allocated.
        UInt128 imageScalars = (UInt128)channels * height * width;
        // A seed stands for the whole N × (D + C) share the party will expand, so the expanded size is what is bounded.
        UInt128 expanded = (UInt128)count * (imageScalars + classes) * 8;
        UInt128 payload = kind == SharePayloadKind.Seed ? ShareFileFormat.SeedSize : expanded;
        CheckLimit(what, "the example count N", count, (ulong)limits.MaxExamples);
        CheckLimit(what, "the image size D", imageScalars, (ulong)limits.MaxImageScalars);
        CheckLimit(what, "the class count C", classes, (ulong)limits.MaxClasses);
        CheckLimit(what, "the (expanded) payload size in bytes", expanded, (ulong)limits.MaxPayloadBytes);
        CheckLimit(what, "the chunk count", (payload + chunkSize - 1) / chunkSize, (ulong)limits.MaxChunkCount);
        problem = CheckShape((int)Math.Min(channels, int.MaxValue), (int)Math.Min(height, int.MaxValue), (int)Math.Min(width, int.MaxValue),
            (int)Math.Min(classes, int.MaxValue), (long)count);
        if (problem is not null)
        {
            throw ContractsError.InvalidHeader(what, problem);
        }
        return new ShareFileHeader(datasetId, party, kind, fractionalBits, (int)channels, (int)height, (int)width, (int)classes, (long)count, (int)chunkSize, ownerKey);
    }

    /// <summary>Version 2's key area: a length in range, zero reserved bytes and padding, and a P-256 public key.</summary>
    private static byte[] ParseOwnerKey(ReadOnlySpan<byte> bytes, string what)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes[OwnerKeyLengthOffset..]);
        if (length is < 1 or > ShareFileFormat.MaxOwnerKeyLength)
        {
            throw ContractsError.InvalidHeader(what, $"owner key length {length} outside [1, {ShareFileFormat.MaxOwnerKeyLength}]");
        }
        ReadOnlySpan<byte> area = bytes.Slice(OwnerKeyOffset, ShareFileFormat.MaxOwnerKeyLength);
        if (bytes.Slice(Reserved3Offset, Reserved3Size).ContainsAnyExcept((byte)0) || area[length..].ContainsAnyExcept((byte)0))
        {
            throw ContractsError.InvalidHeader(what, "reserved bytes or owner key padding are not zero");
        }
        if (CheckOwnerKey(area[..length]) is { } problem)
        {
            throw ContractsError.InvalidHeader(what, problem);
        }
        return area[..length].ToArray();
    }

    private static string? CheckOwnerKey(ReadOnlySpan<byte> key) =>
        key.Length > ShareFileFormat.MaxOwnerKeyLength
            ? $"an owner key of {key.Length} bytes exceeds {ShareFileFormat.MaxOwnerKeyLength}"
            : OwnerKeys.Check(key) is { } problem ? $"the owner key is invalid: {problem}" : null;

    /// <summary>Writes the canonical header (<see cref="CanonicalHeaderSize"/> bytes) into <paramref name="destination"/>.</summary>
    internal void WriteCanonical(Span<byte> destination)
    {
        var d = destination[..CanonicalHeaderSize];
        d.Clear();
        ShareFileFormat.Magic.CopyTo(d);
        BinaryPrimitives.WriteUInt16LittleEndian(d[VersionOffset..], (ushort)Version);
        d[PartyOffset] = (byte)PartyId;
        d[KindOffset] = (byte)PayloadKind;
        d[RingBitsOffset] = ShareFileFormat.RingBits;
        d[FractionalBitsOffset] = (byte)FractionalBits;
        d[IdLengthOffset] = (byte)DatasetId.Length;
        Encoding.ASCII.GetBytes(DatasetId, d[IdOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(d[ChannelsOffset..], (uint)Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(d[HeightOffset..], (uint)Height);
        BinaryPrimitives.WriteUInt32LittleEndian(d[WidthOffset..], (uint)Width);
        BinaryPrimitives.WriteUInt32LittleEndian(d[ClassesOffset..], (uint)Classes);
        BinaryPrimitives.WriteUInt64LittleEndian(d[CountOffset..], (ulong)ExampleCount);
        BinaryPrimitives.WriteUInt32LittleEndian(d[ChunkSizeOffset..], (uint)ChunkSize);
        if (OwnerKey is { } key)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(d[OwnerKeyLengthOffset..], (ushort)key.Length);
            key.CopyTo(d[OwnerKeyOffset..]);
        }
    }

    private static string? Check(string? datasetId, int partyId, SharePayloadKind kind, int ringBits, int fractionalBits, long chunkSize)
    {
        if (!ShareFileFormat.IsValidDatasetId(datasetId))
        {
            return $"the dataset id must be 1 to {ShareFileFormat.MaxDatasetIdLength} characters of [A-Za-z0-9._-], starting with a letter or digit";
        }
        if (partyId is not (0 or 1))
        {
            return $"party id {partyId} is not 0 or 1";
        }
        if (kind is not (SharePayloadKind.Tensor or SharePayloadKind.Seed))
        {
            return $"payload kind {(int)kind} is unknown";
        }
        if (kind == SharePayloadKind.Seed && partyId != 0)
        {
            return "a seed payload is only valid for party 0";
        }
        if (ringBits != ShareFileFormat.RingBits)
        {
            return $"ring bits {ringBits}; only {ShareFileFormat.RingBits} is supported";
        }
        if (fractionalBits is < 0 or > ShareFileFormat.MaxFractionalBits)
        {
            return $"fractional bits {fractionalBits} outside [0, {ShareFileFormat.MaxFractionalBits}]";
        }
        if (chunkSize < ShareFileFormat.MinChunkSize || chunkSize > ShareFileFormat.MaxChunkSize || chunkSize % 8 != 0)
        {
            return $"chunk size {chunkSize} is not a multiple of 8 in [{ShareFileFormat.MinChunkSize}, {ShareFileFormat.MaxChunkSize}]";
        }
        return null;
    }

    private static string? CheckShape(int channels, int height, int width, int classes, long count)
    {
        const int maxDim = ShareFileFormat.MaxImageDimension;
        if (channels is < 1 or > maxDim || height is < 1 or > maxDim || width is < 1 or > maxDim)
        {
            return $"image shape [{channels}, {height}, {width}] has a dimension outside [1, {maxDim}]";
        }
        if (classes is < 2 or > ShareFileFormat.MaxClassCount)
        {
            return $"class count {classes} outside [2, {ShareFileFormat.MaxClassCount}]";
        }
        if (count is < 1 or > ShareFileFormat.MaxExampleCount)
        {
            return $"example count {count} outside [1, {ShareFileFormat.MaxExampleCount}]";
        }
        long row = (long)channels * height * width + classes;
        if (row > ShareFileFormat.MaxRowScalars)
        {
            return $"a row of {row} scalars exceeds {ShareFileFormat.MaxRowScalars}";
        }
        if ((UInt128)count * (ulong)row * 8 > long.MaxValue / 2)
        {
            return "the payload size does not fit the format";
        }
        return null;
    }

    private static void CheckLimit(string what, string quantity, UInt128 value, ulong limit)
    {
        if (value > limit)
        {
            throw ContractsError.LimitExceeded(what, quantity, (decimal)value, limit);
        }
    }
}
