using Imguard.Client.Datasets;
using Imguard.Contracts.Datasets;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Sharing;

namespace Imguard.Cli.Tests.Client.Scaling;

/// <summary>
/// <c>--scaling raw</c> on the owner's machine (docs/multi-owner.md, "One standardisation for the union"): the halves
/// reconstruct to x/255 with no statistic computed or kept, the record beside them says so, and <c>upload --shares</c>
/// registers files only as what their record says they hold.
/// </summary>
public sealed class RawSharingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-raw-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    // Six 1×4×4 images whose pixels cover 0..255 (a constant channel would be fine raw; own would refuse it).
    private static LabeledImages Images()
    {
        var pixels = new float[6 * 16];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = i * 37 % 256;
        }
        return new LabeledImages(pixels, [0, 1, 2, 0, 1, 2], 1, 4, 4, ["cat", "dog", "owl"]);
    }

    [Fact]
    public async Task Raw_halves_reconstruct_to_x_over_255_and_no_statistics_file_is_written()
    {
        LabeledImages images = Images();
        string folder = Path.Combine(_root, "ds-raw");

        OwnerHalfFiles files = await OwnerSharing.ShareRawAsync(images, "ds-raw", folder, seedCompressParty0: true);

        DatasetHalf half0 = await DatasetHalfFile.ReadAsync(files.Party0Path);
        DatasetHalf half1 = await DatasetHalfFile.ReadAsync(files.Party1Path);
        double[] values = FixedPointFormat.Default.Decode(SecretSharer.Reconstruct(half0.Dataset.Images, half1.Dataset.Images).Span);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.InRange(Math.Abs(values[i] - images.Pixels[i] / 255.0), 0, Math.ScaleB(1.0, -16));
        }
        Assert.False(File.Exists(OwnerSharing.StandardizationPath(folder, "ds-raw")));
        DatasetScalingRecord record = DatasetScalingRecord.TryLoad(folder, "ds-raw")!;
        Assert.Equal(PixelScalings.Raw, record.Scaling);
        Assert.Equal(["cat", "dog", "owl"], record.ClassNames);
    }

    [Fact]
    public async Task Own_sharing_records_own_beside_its_statistics()
    {
        string folder = Path.Combine(_root, "ds-own");

        await OwnerSharing.ShareAsync(Images(), "ds-own", folder, null, seedCompressParty0: false);

        Assert.Equal(PixelScalings.Own, DatasetScalingRecord.TryLoad(folder, "ds-own")!.Scaling);
        Assert.True(File.Exists(OwnerSharing.StandardizationPath(folder, "ds-own")));
    }

    [Fact]
    public async Task Shares_are_registered_as_their_record_says_and_a_contradicting_flag_is_refused()
    {
        string folder = Path.Combine(_root, "ds-raw");
        await OwnerSharing.ShareRawAsync(Images(), "ds-raw", folder, seedCompressParty0: false);

        Assert.Equal(PixelScaling.Raw, DatasetUpload.SharesScaling(folder, "ds-raw", declared: null));
        Assert.Equal(PixelScaling.Raw, DatasetUpload.SharesScaling(folder, "ds-raw", PixelScaling.Raw));
        var refused = Assert.Throws<ArgumentException>(() => DatasetUpload.SharesScaling(folder, "ds-raw", PixelScaling.Own));
        Assert.Contains("were written with --scaling raw", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shares_without_a_record_need_the_flag()
    {
        string folder = Path.Combine(_root, "ds-old");
        await OwnerSharing.ShareAsync(Images(), "ds-old", folder, null, seedCompressParty0: false);
        File.Delete(DatasetScalingRecord.PathOf(folder, "ds-old")); // as a share from before the record

        var refused = Assert.Throws<ArgumentException>(() => DatasetUpload.SharesScaling(folder, "ds-old", declared: null));
        Assert.Contains("add --scaling own", refused.Message, StringComparison.Ordinal);
        Assert.Equal(PixelScaling.Own, DatasetUpload.SharesScaling(folder, "ds-old", PixelScaling.Own));
    }

    [Fact]
    public void A_record_naming_another_scaling_is_refused()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllText(DatasetScalingRecord.PathOf(_root, "ds-x"), """{"scaling":"disclosed"}""");

        Assert.Throws<InvalidDataException>(() => DatasetScalingRecord.TryLoad(_root, "ds-x"));
    }
}
