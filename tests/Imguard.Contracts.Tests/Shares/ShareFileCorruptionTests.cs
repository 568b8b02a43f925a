using Imguard.Contracts.Shares;

namespace Imguard.Contracts.Tests.Shares;

public sealed class ShareFileCorruptionTests
{
    private static readonly ShareFileHeader Header = ShareFiles.Header(count: 13, chunkSize: 64);

    private static async Task<byte[]> ValidFile() => (await ShareFiles.WriteAsync(Header, ShareFiles.Rows(Header, 11))).File;

    public static TheoryData<long> PayloadOffsets()
    {
        long start = ShareFileFormat.HeaderSizeV1, end = Header.TrailerOffset;
        return new TheoryData<long> { start, start + 63, start + 64, start + 700, end - 1 };
    }

    [Theory]
    [MemberData(nameof(PayloadOffsets))]
    public async Task A_flipped_payload_byte_is_detected_by_verify_and_by_reading(long offset)
    {
        var file = await ValidFile();
        file[offset] ^= 0x01;
        long chunk = (offset - ShareFileFormat.HeaderSizeV1) / Header.ChunkSize;

        var e = await Assert.ThrowsAsync<ShareFileException>(async () =>
        {
            await using var reader = await ShareFileReader.OpenAsync(new MemoryStream(file));
            await reader.VerifyAsync();
        });
        Assert.Equal(ShareFileErrorKind.ChunkCorrupt, e.Kind);
        Assert.Contains($"chunk {chunk} of {Header.ChunkCount}", e.Message, StringComparison.Ordinal);
        Assert.Equal(ShareFileErrorKind.ChunkCorrupt, (await Assert.ThrowsAsync<ShareFileException>(() => ShareFiles.ReadAllAsync(file))).Kind);
    }

    [Fact]
    public async Task No_row_of_a_corrupt_chunk_is_handed_out()
    {
        var file = await ValidFile();
        file[ShareFileFormat.HeaderSizeV1 + 200] ^= 0x80; // chunk 3, inside row 1 (bytes 120..239 of the payload)
        await using var reader = await ShareFileReader.OpenAsync(new MemoryStream(file));
        var buffer = new ulong[Header.RowScalars];
        Assert.Equal(1, await reader.ReadRowsAsync(buffer)); // row 0 lies in chunks 0..1, which are intact
        await Assert.ThrowsAsync<ShareFileException>(async () => await reader.ReadRowsAsync(buffer));
        Assert.Equal(1, reader.RowsRead);
        Assert.All(buffer, x => Assert.Equal(0UL, x)); // not even the verified first part of row 1
    }

    [Theory]
    [InlineData(10)]   // party id
    [InlineData(16)]   // dataset id
    [InlineData(84)]   // height
    [InlineData(96)]   // example count
    [InlineData(104)]  // chunk size
    [InlineData(112)]  // the header hash itself
    [InlineData(143)]
    public async Task A_flipped_header_byte_is_detected(int offset)
    {
        var file = await ValidFile();
        file[offset] ^= 0x04;
        var e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFileReader.OpenAsync(new MemoryStream(file)));
        Assert.Equal(ShareFileErrorKind.HeaderCorrupt, e.Kind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32 * 5 + 7)]
    public async Task A_flipped_trailer_hash_is_detected(int trailerOffset)
    {
        var file = await ValidFile();
        file[Header.TrailerOffset + trailerOffset] ^= 0x10;
        var e = await Assert.ThrowsAsync<ShareFileException>(async () =>
        {
            await using var reader = await ShareFileReader.OpenAsync(new MemoryStream(file));
            await reader.VerifyAsync();
        });
        Assert.Equal(ShareFileErrorKind.ChunkCorrupt, e.Kind);
    }

    [Fact]
    public async Task A_file_truncated_by_one_byte_is_refused_before_reading_the_payload()
    {
        var file = await ValidFile();
        var e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFileReader.OpenAsync(new MemoryStream(file[..^1])));
        Assert.Equal(ShareFileErrorKind.LengthMismatch, e.Kind);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_one_appended_byte_is_refused()
    {
        var file = await ValidFile();
        var e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFileReader.OpenAsync(new MemoryStream([.. file, 0])));
        Assert.Equal(ShareFileErrorKind.LengthMismatch, e.Kind);
        Assert.Contains("trailing bytes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(100)]
    public async Task Files_shorter_than_a_header_are_refused(int length)
    {
        var file = await ValidFile();
        var e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFileReader.ReadHeaderAsync(new MemoryStream(file[..length])));
        Assert.Equal(ShareFileErrorKind.LengthMismatch, e.Kind);
    }

    [Fact]
    public async Task A_wrong_magic_is_not_a_share_file()
    {
        var file = await ValidFile();
        "IMGMODEL"u8.CopyTo(file);
        var e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFileReader.OpenAsync(new MemoryStream(file)));
        Assert.Equal(ShareFileErrorKind.NotAShareFile, e.Kind);
    }

    [Fact]
    public async Task Another_version_is_refused_even_with_a_valid_header_hash()
    {
        var file = await ValidFile();
        file[8] = 3;
        ShareFiles.Rehash(file);
        var e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFileReader.OpenAsync(new MemoryStream(file)));
        Assert.Equal(ShareFileErrorKind.UnsupportedVersion, e.Kind);
        Assert.Contains("version 3", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<int, byte> InvalidFields() => new()
    {
        { 10, 2 },     // party 2
        { 11, 0 },     // payload kind 0
        { 11, 2 },     // a seed for party 1
        { 12, 32 },    // a 32-bit ring
        { 13, 63 },    // fractional bits
        { 14, 0 },     // empty id
        { 14, 65 },    // id too long
        { 15, 1 },     // reserved
        { 16, (byte)'.' }, // id starting with '.'
        { 17, (byte)'/' }, // path separator in the id
        { 60, 1 },     // id padding
        { 92, 1 },     // one class
        { 104, 12 },   // chunk size not a multiple of 8
        { 109, 1 },    // reserved
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public void Header_fields_that_break_the_format_are_refused_even_with_a_valid_hash(int offset, byte value)
    {
        var bytes = ShareFiles.EditedHeader(Header, b => b[offset] = value);
        var e = Assert.Throws<ShareFileException>(() => ShareFileHeader.Parse(bytes));
        Assert.Equal(ShareFileErrorKind.InvalidHeader, e.Kind);
    }

    [Fact]
    public async Task A_non_seekable_stream_is_refused()
    {
        var file = await ValidFile();
        await Assert.ThrowsAsync<ArgumentException>(() => ShareFileReader.OpenAsync(new ForwardOnlyStream(file)));
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
