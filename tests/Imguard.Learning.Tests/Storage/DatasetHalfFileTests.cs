using Imguard.Contracts.Shares;
using Imguard.Learning.Storage;
using Imguard.Learning.Tests.Data;
using Imguard.Learning.Tests.Training;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Tests.Storage;

public sealed class DatasetHalfFileTests
{
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;

    [Theory]
    [InlineData(false, 256)]
    [InlineData(true, 256)]
    [InlineData(false, ShareFileFormat.DefaultChunkSize)]
    [InlineData(true, 8)]
    public async Task Owner_halves_reconstruct_to_the_standardized_pixels_and_one_hot_labels(bool seedCompress, int chunkSize)
    {
        using var folder = new TempDirectory();
        var images = SyntheticImages.Make(10, 3);
        var files = await DatasetHalfFile.WriteOwnerHalvesAsync(images, Format, "ds-synth", folder.Path, seedCompress, chunkSize);

        var half0 = await DatasetHalfFile.ReadAsync(files.Party0Path);
        var half1 = await DatasetHalfFile.ReadAsync(files.Party1Path);

        Assert.Equal(files.Party0Digest, half0.Digest);
        Assert.Equal(files.Party1Digest, half1.Digest);
        Assert.NotEqual(half0.Digest, half1.Digest);
        Assert.Equal((0, 1), (half0.Dataset.PartyId, half1.Dataset.PartyId));
        Assert.Equal(seedCompress ? SharePayloadKind.Seed : SharePayloadKind.Tensor, half0.Header.PayloadKind);
        Assert.Equal(SharePayloadKind.Tensor, half1.Header.PayloadKind);
        Assert.All(new[] { half0.Header, half1.Header }, h => Assert.Equal("ds-synth", h.DatasetId));
        if (seedCompress)
        {
            Assert.Equal(ShareFileFormat.HeaderSizeV1 + 16 + 32 * (chunkSize >= 16 ? 1 : 2), new FileInfo(files.Party0Path).Length);
        }

        var pixels = Format.Decode(SecretSharer.Reconstruct(half0.Dataset.Images, half1.Dataset.Images).Span);
        Assert.Equal(images.Pixels.Length, pixels.Length);
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.InRange(Math.Abs(pixels[i] - images.Pixels[i]), 0, Math.ScaleB(1.0, -16));
        }
        var labels = SecretSharer.Reconstruct(half0.Dataset.Labels, half1.Dataset.Labels);
        for (int i = 0; i < images.Count; i++)
        {
            for (int c = 0; c < images.ClassCount; c++)
            {
                Assert.Equal(c == images.Labels[i] ? Format.One : 0UL, labels.Data[i * images.ClassCount + c]);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Both_splits_reconstruct_exactly_to_the_encoding_SharedDataset_uses(bool seedCompress)
    {
        using var folder = new TempDirectory();
        var images = SyntheticImages.Make(7, 9);
        var files = await DatasetHalfFile.WriteOwnerHalvesAsync(images, Format, "ds-exact", folder.Path, seedCompress, 64);
        var half0 = await DatasetHalfFile.ReadAsync(files.Party0Path);
        var half1 = await DatasetHalfFile.ReadAsync(files.Party1Path);

        var expected = SharedDataset.EncodeRows(images, Format);
        Assert.Equal(expected.Data, SecretSharer.Reconstruct(half0.Dataset.ImagesWithLabels(), half1.Dataset.ImagesWithLabels()).Data);
        var (d0, d1) = SharedDataset.Share(images, Format);
        Assert.Equal(expected.Data, SecretSharer.Reconstruct(d0.ImagesWithLabels(), d1.ImagesWithLabels()).Data);
    }

    [Fact]
    public async Task A_party_half_written_and_read_back_is_identical()
    {
        using var folder = new TempDirectory();
        var (_, half) = SharedDataset.Share(SyntheticImages.Make(5, 1), Format);
        string path = folder.File("one.share");
        var digest = await DatasetHalfFile.WriteAsync(half, "ds-1", path, chunkSize: 96);

        var back = await DatasetHalfFile.ReadAsync(path);
        Assert.Equal(digest, back.Digest);
        Assert.Equal(half.Images.Data, back.Dataset.Images.Data);
        Assert.Equal(half.Labels.Data, back.Dataset.Labels.Data);
        Assert.Equal(half.ImageShape, back.Dataset.ImageShape);
        Assert.Equal(half.Format, back.Dataset.Format);
        Assert.Equal(digest, await ShareFileReader.VerifyAsync(path));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public async Task A_stream_round_trip_reads_from_the_current_position()
    {
        var (half, _) = SharedDataset.Share(SyntheticImages.Make(3, 2), Format);
        using var stream = new MemoryStream();
        var digest = await DatasetHalfFile.WriteAsync(half, "ds-2", stream);
        stream.Position = 0;
        var back = await DatasetHalfFile.ReadAsync(stream);
        Assert.Equal(digest, back.Digest);
        Assert.Equal(half.Images.Data, back.Dataset.Images.Data);
    }

    [Fact]
    public async Task Owner_halves_are_never_overwritten()
    {
        using var folder = new TempDirectory();
        var images = SyntheticImages.Make(4, 1);
        var first = await DatasetHalfFile.WriteOwnerHalvesAsync(images, Format, "ds-3", folder.Path, true);
        await Assert.ThrowsAsync<IOException>(() => DatasetHalfFile.WriteOwnerHalvesAsync(images, Format, "ds-3", folder.Path, true));
        Assert.Equal(first.Party0Digest, await ShareFileReader.VerifyAsync(first.Party0Path));
        Assert.Equal(first.Party1Digest, await ShareFileReader.VerifyAsync(first.Party1Path));
    }

    [Fact]
    public async Task A_corrupt_half_is_refused()
    {
        using var folder = new TempDirectory();
        var files = await DatasetHalfFile.WriteOwnerHalvesAsync(SyntheticImages.Make(4, 1), Format, "ds-4", folder.Path, false, 64);
        var bytes = await File.ReadAllBytesAsync(files.Party1Path);
        bytes[ShareFileFormat.HeaderSizeV1 + 100] ^= 1;
        await File.WriteAllBytesAsync(files.Party1Path, bytes);
        var e = await Assert.ThrowsAsync<ShareFileException>(() => DatasetHalfFile.ReadAsync(files.Party1Path));
        Assert.Equal(ShareFileErrorKind.ChunkCorrupt, e.Kind);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("")]
    [InlineData(".hidden")]
    public async Task Invalid_dataset_ids_are_refused(string id)
    {
        using var folder = new TempDirectory();
        await Assert.ThrowsAsync<ArgumentException>(() => DatasetHalfFile.WriteOwnerHalvesAsync(SyntheticImages.Make(2, 1), Format, id, folder.Path, false));
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void File_names_carry_the_id_and_the_party()
    {
        Assert.Equal("ds-5.party0.share", DatasetHalfFile.FileName("ds-5", 0));
        Assert.Equal("ds-5.party1.share", DatasetHalfFile.FileName("ds-5", 1));
        Assert.Throws<ArgumentException>(() => DatasetHalfFile.FileName("ds-5", 2));
    }

}
