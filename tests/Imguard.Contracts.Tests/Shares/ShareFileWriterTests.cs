using Imguard.Contracts.Shares;

namespace Imguard.Contracts.Tests.Shares;

public sealed class ShareFileWriterTests
{
    [Fact]
    public async Task Writing_more_than_the_header_declares_is_refused()
    {
        var header = ShareFiles.Header(count: 2);
        await using var writer = new ShareFileWriter(new MemoryStream(), header);
        await writer.WriteAsync(new ulong[header.RowScalars * 2]);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteAsync(new ulong[1]));
    }

    [Fact]
    public async Task Completing_a_short_payload_is_refused()
    {
        var header = ShareFiles.Header(count: 2);
        await using var writer = new ShareFileWriter(new MemoryStream(), header);
        writer.Write(new ulong[header.RowScalars * 2 - 1]);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.CompleteAsync());
        Assert.Contains($"declares {header.PayloadBytes} bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Synchronous_and_asynchronous_writes_make_the_same_file()
    {
        var header = ShareFiles.Header();
        var rows = ShareFiles.Rows(header, 5);
        var (asyncFile, asyncDigest) = await ShareFiles.WriteAsync(header, rows);
        using var output = new MemoryStream();
        await using (var writer = new ShareFileWriter(output, header, leaveOpen: true))
        {
            for (int i = 0; i < rows.Length; i += header.RowScalars)
            {
                writer.Write(rows.AsSpan(i, header.RowScalars));
            }
            Assert.Equal(asyncDigest, await writer.CompleteAsync());
        }
        Assert.Equal(asyncFile, output.ToArray());
    }

    [Fact]
    public async Task Payload_kinds_are_not_mixed()
    {
        await using var tensor = new ShareFileWriter(new MemoryStream(), ShareFiles.Header());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await tensor.WriteSeedAsync(new byte[16]));
        await using var seed = new ShareFileWriter(new MemoryStream(), ShareFiles.Header(party: 0, kind: SharePayloadKind.Seed));
        Assert.Throws<InvalidOperationException>(() => seed.Write(new ulong[1]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await seed.WriteSeedAsync(new byte[15]));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("-rf")]
    [InlineData("ds 1")]
    [InlineData("dś")]
    public void Invalid_dataset_ids_are_refused(string id)
    {
        Assert.False(ShareFileFormat.IsValidDatasetId(id));
        Assert.Throws<ArgumentException>(() => ShareFiles.Header(id: id));
    }

    [Fact]
    public void Valid_dataset_ids_are_accepted()
    {
        Assert.True(ShareFileFormat.IsValidDatasetId("fashion-mnist_train.v2"));
        Assert.True(ShareFileFormat.IsValidDatasetId(new string('a', 64)));
        Assert.False(ShareFileFormat.IsValidDatasetId(new string('a', 65)));
    }

    [Fact]
    public void Headers_that_break_the_format_cannot_be_built()
    {
        Assert.Throws<ArgumentException>(() => ShareFiles.Header(party: 1, kind: SharePayloadKind.Seed));
        Assert.Throws<ArgumentException>(() => ShareFiles.Header(party: 2));
        Assert.Throws<ArgumentException>(() => ShareFiles.Header(chunkSize: 12));
        Assert.Throws<ArgumentException>(() => ShareFiles.Header(chunkSize: 0));
        Assert.Throws<ArgumentException>(() => ShareFiles.Header(count: 0));
        Assert.Throws<ArgumentException>(() => new ShareFileHeader("x", 0, SharePayloadKind.Tensor, 16, 1, 2, 2, classes: 1, exampleCount: 1));
    }
}
