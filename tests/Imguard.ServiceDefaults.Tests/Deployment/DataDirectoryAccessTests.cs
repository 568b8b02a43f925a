using System.Diagnostics;
using Imguard.ServiceDefaults.Deployment;
using Imguard.Testing;

namespace Imguard.ServiceDefaults.Tests.Deployment;

/// <summary>
/// The start-up check: a data directory that other users can read, write or enter anywhere is found (every such path,
/// the root first), described in one line with the fix, and repaired to 0700 / 0600; one that holds another user's
/// files is found too and never "repaired".
/// </summary>
public sealed class DataDirectoryAccessTests : IDisposable
{
    private const UnixFileMode Mode0755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Mode0644 = (UnixFileMode)0b110_100_100;
    private readonly TestDeployment _deployment;

    public DataDirectoryAccessTests()
    {
        FileModes.UseUsualUmask();
        _deployment = TestDeployment.Create();
    }

    private string Root => _deployment.Directory.Root;

    public void Dispose() => _deployment.Dispose();

    [Fact]
    public void A_deployment_made_by_this_build_is_private()
    {
        DataDirectoryAccessReport report = DataDirectoryAccess.Inspect(Root);
        Assert.True(report.IsPrivate, string.Join(", ", report.OpenToOthers.Concat(report.OwnedByOthers)));
    }

    [Fact]
    public void Open_paths_are_listed_root_first_described_in_one_line_with_the_fix_and_repaired()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        // What an older build left under umask 022.
        string party = Directory.CreateDirectory(Path.Combine(Root, "party-0", "shares", "datasets")).FullName;
        string half = Path.Combine(party, "ds-a.share");
        File.WriteAllBytes(half, [1, 2, 3]);
        File.SetUnixFileMode(half, Mode0644);
        File.SetUnixFileMode(Root, Mode0755);

        DataDirectoryAccessReport report = DataDirectoryAccess.Inspect(Root);
        Assert.False(report.IsPrivate);
        Assert.Equal(Root, report.OpenToOthers[0]);
        Assert.Contains(half, report.OpenToOthers);
        Assert.Equal(5, report.OpenToOthers.Count); // the root, party-0, shares, datasets, the half
        Assert.Empty(report.OwnedByOthers);

        string line = DataDirectoryAccess.DescribeOpen(report, "imguard up --repair-permissions --data-dir " + Root);
        Assert.DoesNotContain('\n', line);
        Assert.Contains("5 paths", line, StringComparison.Ordinal);
        Assert.Contains("the folder itself, party-0, party-0/shares, …", line, StringComparison.Ordinal);
        Assert.Contains("imguard up --repair-permissions --data-dir", line, StringComparison.Ordinal);

        Assert.Equal(5, DataDirectoryAccess.Repair(report));
        Assert.True(DataDirectoryAccess.Inspect(Root).IsPrivate);
        FileModes.AssertTreeOwnerOnly(Root);
    }

    [Fact]
    public void A_folder_linked_from_elsewhere_is_checked_where_it_is()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string elsewhere = Path.Combine(Path.GetTempPath(), "imguard-big-disk-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(elsewhere); // 0755
            File.WriteAllBytes(Path.Combine(elsewhere, "ds-b.share"), [1]);
            Directory.CreateDirectory(Path.Combine(Root, "party-1"), FileModes.Folder0700);
            Directory.CreateSymbolicLink(Path.Combine(Root, "party-1", "shares"), elsewhere);

            DataDirectoryAccessReport report = DataDirectoryAccess.Inspect(Root);
            Assert.Equal([elsewhere, Path.Combine(elsewhere, "ds-b.share")], report.OpenToOthers);
            DataDirectoryAccess.Repair(report);
            FileModes.AssertTreeOwnerOnly(elsewhere);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [OtherUsersFact]
    public void Another_users_files_are_found_named_and_left_alone()
    {
        string theirs = Path.Combine(Root, "pki", "ca.crt");
        Chown("65534", theirs);
        DataDirectoryAccessReport report = DataDirectoryAccess.Inspect(Root);
        Assert.Equal([theirs], report.OwnedByOthers);
        Assert.Equal(0u, report.ProcessUser);
        string line = DataDirectoryAccess.DescribeForeign(report);
        Assert.Contains("pki/ca.crt: ", line, StringComparison.Ordinal);
        Assert.Contains("uid 65534", line, StringComparison.Ordinal);
        Assert.Contains($"chown -R 0 {Root}", line, StringComparison.Ordinal);

        // The whole folder someone else's: said so first.
        Chown("65534", Root);
        Assert.Contains("belongs to", DataDirectoryAccess.DescribeForeign(DataDirectoryAccess.Inspect(Root)), StringComparison.Ordinal);
        Chown("0", Root);
        Chown("0", theirs);
    }

    private static void Chown(string uid, string path)
    {
        using Process chown = Process.Start("chown", [uid, path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
