using Imguard.Learning.Export;
using Imguard.Learning.Nn;
using Imguard.Learning.Storage;
using Imguard.Learning.Tests.Data;
using Imguard.Learning.Tests.Training;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Testing;

namespace Imguard.Learning.Tests.Security;

/// <summary>
/// Every file this library writes holds a share or the owner's model: under the usual umask 022 each comes out 0600,
/// and each folder it makes 0700, so no other local user can read the halves and add them up.
/// </summary>
public sealed class FileModeTests
{
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;

    public FileModeTests() => FileModes.UseUsualUmask();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_owners_two_halves_and_the_folders_made_for_them_are_owner_only(bool seedCompress)
    {
        using var folder = new TempDirectory();
        string shares = Path.Combine(folder.Path, "imguard-shares", "ds-modes");
        OwnerHalfFiles files = await DatasetHalfFile.WriteOwnerHalvesAsync(SyntheticImages.Make(6, 3), Format, "ds-modes", shares, seedCompress);
        FileModes.AssertOwnerOnly(files.Party0Path);
        FileModes.AssertOwnerOnly(files.Party1Path);
        FileModes.AssertOwnerOnly(shares);
        FileModes.AssertOwnerOnly(Path.GetDirectoryName(shares)!);
    }

    [Fact]
    public void A_model_share_and_its_new_folder_are_owner_only()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "checkpoints", "epoch-1.ckpt");
        var spec = new ModelSpec([1, 2, 2], 2, [new("flatten"), new("linear", Out: 2)]);
        new ModelCheckpoint(0, Format, 1, spec, [new RingTensor(4, 2), new RingTensor(2)], [null, null]).Save(path);
        FileModes.AssertOwnerOnly(path);
        FileModes.AssertOwnerOnly(Path.GetDirectoryName(path)!);
    }

    [Fact]
    public void An_evaluation_share_is_owner_only()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "job", "evaluation.share");
        var shares = new EvaluationShares(new SharedTensor(0, new RingTensor(3, 2), Format), new SharedTensor(0, new RingTensor(1), Format));
        EvaluationSharesFile.Save(shares, path);
        FileModes.AssertOwnerOnly(path);
        FileModes.AssertOwnerOnly(Path.GetDirectoryName(path)!);
    }

    [Fact]
    public void The_recombined_model_exported_as_ONNX_is_owner_only()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "model.onnx");
        var spec = new ModelSpec([1, 2, 2], 2, [new("flatten"), new("linear", Out: 2)]);
        OnnxExporter.WriteFile(spec, [new PlainTensor(new double[8], 4, 2), new PlainTensor(new double[2], 2)], path);
        FileModes.AssertOwnerOnly(path);
    }
}
