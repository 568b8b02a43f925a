using System.Security.Cryptography;
using Imguard.Contracts.Shares;
using Imguard.Party.Shares;

namespace Imguard.Party.Tests.Shares;

/// <summary>Valid share files in memory (random rows from a fixed seed) and a client that uploads them in chunks.</summary>
internal static class ShareFixtures
{
    /// <summary>A 1×4×4 image set with 3 classes (rows of 19 scalars), 256-byte file chunks: about 1.9 KB.</summary>
    public static async Task<(byte[] File, HalfDigest Digest)> FileAsync(string datasetId = "ds-a", int party = 1, int count = 12, int seed = 1,
        byte[]? ownerKey = null)
    {
        var header = new ShareFileHeader(datasetId, party, SharePayloadKind.Tensor, 16, 1, 4, 4, 3, count, chunkSize: 256, ownerKey: ownerKey);
        var rng = new Random(seed);
        var rows = new ulong[header.TotalScalars];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = (ulong)rng.NextInt64();
        }
        using var output = new MemoryStream();
        await using var writer = new ShareFileWriter(output, header, leaveOpen: true);
        await writer.WriteAsync(rows);
        var digest = await writer.CompleteAsync();
        return (output.ToArray(), digest);
    }

    public static byte[] Sha(ReadOnlySpan<byte> bytes) => SHA256.HashData(bytes);

    public static Task<UploadStatus> SendAsync(UploadSession session, byte[] file, long offset, int length) =>
        session.AppendChunkAsync(offset, file.AsMemory((int)offset, length), Sha(file.AsSpan((int)offset, length)));

    /// <summary>Sends <paramref name="file"/> from <paramref name="from"/> to <paramref name="to"/> in chunks of <paramref name="chunk"/> bytes.</summary>
    public static async Task<UploadStatus> SendRangeAsync(UploadSession session, byte[] file, long from, long to, int chunk = 100)
    {
        UploadStatus status = session.Status;
        for (long at = from; at < to; at += chunk)
        {
            status = await SendAsync(session, file, at, (int)Math.Min(chunk, to - at));
        }
        return status;
    }

    public static UploadSession Begin(ShareStore store, byte[] file, string datasetId = "ds-a", int party = 1, long? maxBytes = null) =>
        UploadSession.Begin(store, file.Length, datasetId, party, maxBytes ?? 1 << 20);
}
