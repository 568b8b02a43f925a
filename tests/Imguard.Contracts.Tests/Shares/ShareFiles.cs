using System.Buffers.Binary;
using System.Security.Cryptography;
using Imguard.Contracts.Shares;

namespace Imguard.Contracts.Tests.Shares;

/// <summary>Small share files in memory: random rows from a fixed seed, and raw header surgery with a fresh hash.</summary>
internal static class ShareFiles
{
    /// <summary>1×3×4 images, 3 classes: rows of 15 scalars (120 bytes), so 64-byte chunks split rows.</summary>
    public static ShareFileHeader Header(long count = 13, int chunkSize = 64, int party = 1, string id = "ds-test.1",
        SharePayloadKind kind = SharePayloadKind.Tensor) =>
        new(id, party, kind, fractionalBits: 16, channels: 1, height: 3, width: 4, classes: 3, exampleCount: count, chunkSize: chunkSize);

    public static ulong[] Rows(ShareFileHeader header, int seed)
    {
        var rng = new Random(seed);
        var rows = new ulong[header.TotalScalars];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40);
        }
        return rows;
    }

    /// <summary>Writes in irregular pieces (7 scalars at a time) so pieces, rows and chunks never line up.</summary>
    public static async Task<(byte[] File, HalfDigest Digest)> WriteAsync(ShareFileHeader header, ulong[] rows)
    {
        using var output = new MemoryStream();
        HalfDigest digest;
        await using (var writer = new ShareFileWriter(output, header, leaveOpen: true))
        {
            for (int i = 0; i < rows.Length; i += 7)
            {
                await writer.WriteAsync(rows.AsMemory(i, Math.Min(7, rows.Length - i)));
            }
            digest = await writer.CompleteAsync();
        }
        return (output.ToArray(), digest);
    }

    public static async Task<(byte[] File, HalfDigest Digest)> WriteSeedAsync(ShareFileHeader header, byte[] seed)
    {
        using var output = new MemoryStream();
        await using var writer = new ShareFileWriter(output, header, leaveOpen: true);
        await writer.WriteSeedAsync(seed);
        var digest = await writer.CompleteAsync();
        return (output.ToArray(), digest);
    }

    public static async Task<ulong[]> ReadAllAsync(byte[] file, int rowsPerRead = 2, ShareFileLimits? limits = null)
    {
        await using var reader = await ShareFileReader.OpenAsync(new MemoryStream(file, writable: false), limits);
        var all = new ulong[reader.Header.TotalScalars];
        var buffer = new ulong[reader.Header.RowScalars * rowsPerRead];
        int at = 0, rows;
        while ((rows = await reader.ReadRowsAsync(buffer)) > 0)
        {
            buffer.AsSpan(0, rows * reader.Header.RowScalars).CopyTo(all.AsSpan(at));
            at += rows * reader.Header.RowScalars;
        }
        Assert.Equal(all.Length, at);
        return all;
    }

    /// <summary>A copy of <paramref name="header"/>'s bytes (144, or 280 with an owner key) with <paramref name="edit"/> applied and the header hash recomputed.</summary>
    public static byte[] EditedHeader(ShareFileHeader header, Action<byte[]> edit)
    {
        var bytes = header.ToBytes();
        edit(bytes);
        Rehash(bytes);
        return bytes;
    }

    /// <summary>Recomputes the header hash over the canonical header of the version the bytes say (1 unless they say 2).</summary>
    public static void Rehash(byte[] file)
    {
        int canonical = ShareFileFormat.CanonicalHeaderSizeOf(BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)));
        SHA256.HashData(file.AsSpan(0, canonical), file.AsSpan(canonical, ShareFileFormat.HashSize));
    }

    public static void WriteU32(byte[] bytes, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);

    public static void WriteU64(byte[] bytes, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);
}
