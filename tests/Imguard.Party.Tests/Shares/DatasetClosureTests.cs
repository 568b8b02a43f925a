using Imguard.Party.Shares;
using static Imguard.Party.Tests.Shares.ShareFixtures;

namespace Imguard.Party.Tests.Shares;

/// <summary>
/// A deleted or rejected dataset takes no more uploads: its uploads in progress stop and lose their bytes, and a
/// later begin (with a grant that is still valid) is refused, also after a restart.
/// </summary>
public sealed class DatasetClosureTests
{
    [Fact]
    public async Task Deleting_a_dataset_stops_its_upload_and_refuses_any_later_one()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, 500);
        string directory = Path.Combine(dir.Path, "uploads", session.UploadId);

        Assert.False(await store.DeleteAsync("ds-a")); // no half stored yet, but the upload goes

        Assert.False(Directory.Exists(directory));
        Assert.Equal(DatasetClosure.Deleted, store.Closure("ds-a"));
        Assert.Equal(ShareStoreErrorKind.DatasetClosed, (await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(session, file, 500, 100))).Kind);
        Assert.Equal(ShareStoreErrorKind.DatasetClosed, Assert.Throws<ShareStoreException>(() => UploadSession.Open(store, session.UploadId)).Kind);
        Assert.Equal(ShareStoreErrorKind.DatasetClosed, Assert.Throws<ShareStoreException>(() => Begin(store, file)).Kind);

        var restarted = new ShareStore(dir.Path);
        Assert.Equal(ShareStoreErrorKind.DatasetClosed, Assert.Throws<ShareStoreException>(() => Begin(restarted, file)).Kind);
        Assert.Equal(ShareStoreErrorKind.DatasetClosed, (await Assert.ThrowsAsync<ShareStoreException>(() => restarted.ImportAsync(new MemoryStream(file), "ds-a", 1))).Kind);
        Assert.Empty(restarted.ListUploads());
    }

    [Fact]
    public async Task A_rejected_dataset_keeps_its_stored_half_but_stops_other_uploads_of_it()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        var first = Begin(store, file);
        var second = Begin(store, file);
        await SendRangeAsync(first, file, 0, file.Length);
        await first.CompleteAsync();

        await store.CloseAsync("ds-a", DatasetClosure.Rejected);

        Assert.True(store.Contains("ds-a"));
        Assert.Equal(ShareStoreErrorKind.DatasetClosed, (await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(second, file, 0, 100))).Kind);
        Assert.Contains("rejected", Assert.Throws<ShareStoreException>(() => UploadSession.Open(store, second.UploadId)).Message, StringComparison.Ordinal);
        // A deletion after the rejection is what the marker says from then on.
        Assert.True(await store.DeleteAsync("ds-a"));
        Assert.Equal(DatasetClosure.Deleted, new ShareStore(dir.Path).Closure("ds-a"));
    }

    [Fact]
    public async Task An_upload_of_a_dataset_closed_before_a_crash_stopped_it_is_stopped_when_the_store_opens()
    {
        using var dir = new TempDirectory();
        var (file, _) = await FileAsync();
        var session = Begin(new ShareStore(dir.Path), file);
        // As if the marker was written and the party died before stopping the upload.
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "closed", "ds-a"), "Rejected");

        var restarted = new ShareStore(dir.Path);
        Assert.Equal(ShareStoreErrorKind.DatasetClosed, Assert.Throws<ShareStoreException>(() => UploadSession.Open(restarted, session.UploadId)).Kind);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "uploads", session.UploadId)));
    }
}
