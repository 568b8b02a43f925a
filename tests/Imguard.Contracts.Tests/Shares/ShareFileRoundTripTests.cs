using System.Security.Cryptography;
using Imguard.Contracts.Shares;

namespace Imguard.Contracts.Tests.Shares;

public sealed class ShareFileRoundTripTests
{
    [Theory]
    [InlineData(13, 64, 1)]
    [InlineData(13, 64, 5)]
    [InlineData(1, 8, 1)]
    [InlineData(40, 120, 3)]
    [InlineData(40, ShareFileFormat.DefaultChunkSize, 40)]
    public async Task Rows_come_back_exactly_and_every_digest_agrees(long count, int chunkSize, int rowsPerRead)
    {
        var header = ShareFiles.Header(count, chunkSize);
        var rows = ShareFiles.Rows(header, 7);
        var (file, digest) = await ShareFiles.WriteAsync(header, rows);

        Assert.Equal(header.FileLength, file.Length);
        Assert.Equal(rows, await ShareFiles.ReadAllAsync(file, rowsPerRead));
        await using var reader = await ShareFileReader.OpenAsync(new MemoryStream(file));
        Assert.Equal(header, reader.Header);
        Assert.Null(reader.VerifiedDigest);
        Assert.Equal(digest, await reader.VerifyAsync());
        Assert.Equal(digest, reader.VerifiedDigest);
    }

    [Fact]
    public async Task The_reader_reports_the_digest_once_the_last_row_is_read()
    {
        var header = ShareFiles.Header();
        var (file, digest) = await ShareFiles.WriteAsync(header, ShareFiles.Rows(header, 1));
        await using var reader = await ShareFileReader.OpenAsync(new MemoryStream(file));
        var buffer = new ulong[header.RowScalars * 4];
        while (await reader.ReadRowsAsync(buffer) > 0)
        {
        }
        Assert.Equal(header.ExampleCount, reader.RowsRead);
        Assert.Equal(digest, reader.VerifiedDigest);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(16)]
    [InlineData(8)]
    public async Task A_seed_payload_round_trips_for_party_0(int chunkSize)
    {
        var header = ShareFiles.Header(party: 0, kind: SharePayloadKind.Seed, chunkSize: chunkSize);
        var seed = RandomNumberGenerator.GetBytes(ShareFileFormat.SeedSize);
        var (file, digest) = await ShareFiles.WriteSeedAsync(header, seed);

        Assert.Equal(ShareFileFormat.HeaderSizeV1 + 16 + 32 * header.ChunkCount, file.Length);
        await using var reader = await ShareFileReader.OpenAsync(new MemoryStream(file));
        Assert.Equal(SharePayloadKind.Seed, reader.Header.PayloadKind);
        var back = new byte[16];
        await reader.ReadSeedAsync(back);
        Assert.Equal(seed, back);
        Assert.Equal(digest, reader.VerifiedDigest);
        string path = await TempFile(file);
        try
        {
            Assert.Equal(digest, await ShareFileReader.VerifyAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Files_on_disk_read_and_verify_by_path()
    {
        var header = ShareFiles.Header();
        var (file, digest) = await ShareFiles.WriteAsync(header, ShareFiles.Rows(header, 2));
        string path = await TempFile(file);
        try
        {
            Assert.Equal(header, await ShareFileReader.ReadHeaderAsync(path));
            Assert.Equal(digest, await ShareFileReader.VerifyAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_digest_is_sha256_of_the_canonical_header_and_the_chunk_hashes()
    {
        var header = ShareFiles.Header();
        var (file, digest) = await ShareFiles.WriteAsync(header, ShareFiles.Rows(header, 3));
        long trailer = header.TrailerOffset;
        var expected = SHA256.HashData([.. file.AsSpan(0, ShareFileFormat.CanonicalHeaderSizeV1), .. file.AsSpan((int)trailer)]);
        Assert.Equal(expected, digest.Bytes.ToArray());
        // Each trailer entry is the SHA-256 of its chunk.
        for (int k = 0; k < header.ChunkCount; k++)
        {
            int start = ShareFileFormat.HeaderSizeV1 + k * header.ChunkSize;
            int length = (int)Math.Min(header.ChunkSize, header.PayloadBytes - (long)k * header.ChunkSize);
            Assert.Equal(SHA256.HashData(file.AsSpan(start, length)), file.AsSpan((int)trailer + k * 32, 32).ToArray());
        }
    }

    [Fact]
    public async Task The_digest_changes_when_any_chunk_or_the_header_changes()
    {
        var header = ShareFiles.Header();
        var rows = ShareFiles.Rows(header, 4);
        var (_, digest) = await ShareFiles.WriteAsync(header, rows);
        var seen = new HashSet<string> { digest.ToHex() };
        // One scalar changed in each chunk in turn (8 scalars per 64-byte chunk).
        for (int k = 0; k < header.ChunkCount; k++)
        {
            var changed = (ulong[])rows.Clone();
            changed[k * 8] ^= 1;
            Assert.True(seen.Add((await ShareFiles.WriteAsync(header, changed)).Digest.ToHex()));
        }
        // Same payload, another dataset id, party or chunk size.
        Assert.True(seen.Add((await ShareFiles.WriteAsync(ShareFiles.Header(id: "ds-other"), rows)).Digest.ToHex()));
        Assert.True(seen.Add((await ShareFiles.WriteAsync(ShareFiles.Header(party: 0), rows)).Digest.ToHex()));
        Assert.True(seen.Add((await ShareFiles.WriteAsync(ShareFiles.Header(chunkSize: 128), rows)).Digest.ToHex()));
    }

    [Fact]
    public void The_header_layout_is_the_documented_one()
    {
        var header = new ShareFileHeader("mnist-1", 1, SharePayloadKind.Tensor, 16, 1, 28, 28, 10, 60000);
        var b = header.ToBytes();
        Assert.Equal(144, b.Length);
        Assert.Equal("IMGSHARE"u8.ToArray(), b[..8]);
        Assert.Equal(new byte[] { 1, 0, 1, 1, 64, 16, 7, 0 }, b[8..16]);
        Assert.Equal("mnist-1"u8.ToArray(), b[16..23]);
        Assert.All(b[23..80], x => Assert.Equal(0, x));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 28, 0, 0, 0, 28, 0, 0, 0, 10, 0, 0, 0 }, b[80..96]);
        Assert.Equal(BitConverter.GetBytes(60000UL), b[96..104]);
        Assert.Equal(BitConverter.GetBytes(1u << 20), b[104..108]);
        Assert.Equal(new byte[4], b[108..112]);
        Assert.Equal(SHA256.HashData(b.AsSpan(0, 112)), b[112..144]);
        Assert.Equal(60000L * (784 + 10) * 8, header.PayloadBytes);
        Assert.Equal(header, ShareFileHeader.Parse(b));
    }

    [Fact]
    public void Half_digests_round_trip_through_hex()
    {
        var digest = new HalfDigest(SHA256.HashData("x"u8));
        Assert.Equal(digest, HalfDigest.FromHex(digest.ToHex().ToUpperInvariant()));
        Assert.Equal(64, digest.ToString().Length);
        Assert.Throws<ArgumentException>(() => HalfDigest.FromHex("zz"));
        Assert.Throws<ArgumentException>(() => HalfDigest.FromHex(new string('g', 64)));
    }

    private static async Task<string> TempFile(byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), "imguard-share-" + Guid.NewGuid().ToString("N") + ".share");
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }
}
