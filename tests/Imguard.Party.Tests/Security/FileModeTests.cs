using Imguard.Contracts.Jobs;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;
using Imguard.Party.Jobs;
using Imguard.Party.Shares;
using Imguard.Party.Tests.Shares;
using Imguard.Testing;

namespace Imguard.Party.Tests.Security;

/// <summary>
/// A party's files under the usual umask 022: every half (committed, being uploaded, imported), upload state, job file
/// and model share is 0600 and every folder 0700. Before, they were 0644 / 0755 and any local user could read both
/// parties' halves on a one-host deployment and add them into the owner's pixels.
/// </summary>
public sealed class FileModeTests
{
    public FileModeTests() => FileModes.UseUsualUmask();

    [Fact]
    public async Task An_uploaded_half_its_partial_file_its_state_and_the_stores_folders_are_owner_only()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(Path.Combine(dir.Path, "shares"));
        FileModes.AssertOwnerOnly(store.Root);
        FileModes.AssertOwnerOnly(store.DatasetsDirectory);
        FileModes.AssertOwnerOnly(store.UploadsDirectory);

        (byte[] file, _) = await ShareFixtures.FileAsync("ds-modes");
        UploadSession session = ShareFixtures.Begin(store, file, "ds-modes");
        await ShareFixtures.SendRangeAsync(session, file, 0, file.Length / 2);
        string upload = store.UploadDirectory(session.UploadId);
        FileModes.AssertOwnerOnly(upload);
        FileModes.AssertOwnerOnly(Path.Combine(upload, ShareStore.PartialFileName));
        FileModes.AssertOwnerOnly(Path.Combine(upload, ShareStore.StateFileName));

        await ShareFixtures.SendRangeAsync(session, file, file.Length / 2, file.Length);
        await session.CompleteAsync();
        FileModes.AssertTreeOwnerOnly(store.Root);
        FileModes.AssertOwnerOnly(Path.Combine(store.DatasetsDirectory, "ds-modes.share"));
    }

    [Fact]
    public async Task An_imported_half_is_owner_only()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(Path.Combine(dir.Path, "shares"));
        (byte[] file, _) = await ShareFixtures.FileAsync("ds-import", party: 0);
        await store.ImportAsync(new MemoryStream(file), "ds-import", 0);
        FileModes.AssertTreeOwnerOnly(store.Root);
    }

    [Fact]
    public void A_jobs_description_state_checkpoints_and_folders_are_owner_only()
    {
        using var dir = new TempDirectory();
        string jobs = Path.Combine(dir.Path, "jobs");
        var folder = new JobFolder(jobs, "job-modes");
        folder.Create(
            new JobDescription { JobId = "job-modes", ProjectId = "prj-1", TrainDatasetId = "ds-a", ModelSpecJson = "{}" },
            new JobLocalState(JobState.Queued, 0, null, DateTimeOffset.UnixEpoch));
        folder.WriteState(new JobLocalState(JobState.Running, 1, null, DateTimeOffset.UnixEpoch));
        var spec = new ModelSpec([1, 2, 2], 2, [new("flatten"), new("linear", Out: 2)]);
        folder.SaveCheckpoint(new ModelCheckpoint(0, FixedPointFormat.Default, 1, spec,
            [new RingTensor(4, 2), new RingTensor(2)], [null, null]));
        FileModes.AssertTreeOwnerOnly(jobs);
        Assert.Equal(5, Directory.EnumerateFileSystemEntries(jobs, "*", SearchOption.AllDirectories).Count()); // the folder, 2 json, checkpoints/, 1 checkpoint
    }
}
