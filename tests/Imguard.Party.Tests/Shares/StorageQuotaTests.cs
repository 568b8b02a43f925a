using Imguard.Party.Shares;
using static Imguard.Party.Tests.Shares.ShareFixtures;

namespace Imguard.Party.Tests.Shares;

/// <summary>
/// Per-user and per-project quotas: committed halves and the declared sizes of uploads in progress count against the
/// owner the upload names, checked when an upload begins, so neither many uploads nor parallel ones get past them.
/// </summary>
public sealed class StorageQuotaTests
{
    private static readonly UploadOwner Alice = new("alice", "prj-1");
    private static readonly UploadOwner Bob = new("bob", "prj-1");
    private static readonly UploadOwner Carol = new("carol", "prj-2");

    private static async Task<(ShareStore Store, byte[] A, byte[] B, byte[] C)> SetUpAsync(TempDirectory dir)
    {
        var (a, _) = await FileAsync("ds-a");
        var (b, _) = await FileAsync("ds-b", seed: 2);
        var (c, _) = await FileAsync("ds-c", seed: 3);
        // Room for two halves per user and three per project.
        var options = new ShareStoreOptions { UserQuotaBytes = 2L * a.Length + 10, ProjectQuotaBytes = 3L * a.Length + 10 };
        return (new ShareStore(dir.Path, options), a, b, c);
    }

    private static UploadSession BeginFor(ShareStore store, byte[] file, string datasetId, UploadOwner owner) =>
        UploadSession.Begin(store, file.Length, datasetId, 1, 1 << 20, owner);

    private static async Task UploadAsync(ShareStore store, byte[] file, string datasetId, UploadOwner owner)
    {
        var session = BeginFor(store, file, datasetId, owner);
        await SendRangeAsync(session, file, 0, file.Length, chunk: 500);
        await session.CompleteAsync();
    }

    [Fact]
    public async Task A_user_past_the_quota_is_refused_and_the_refusal_names_the_quota()
    {
        using var dir = new TempDirectory();
        var (store, a, b, c) = await SetUpAsync(dir);
        await UploadAsync(store, a, "ds-a", Alice);
        BeginFor(store, b, "ds-b", Alice); // in progress, declared size counted

        var refused = Assert.Throws<ShareStoreException>(() => BeginFor(store, c, "ds-c", Alice));
        Assert.Equal(ShareStoreErrorKind.QuotaExceeded, refused.Kind);
        Assert.Contains("user storage quota", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'alice'", refused.Message, StringComparison.Ordinal);
        Assert.Equal((2L * a.Length, 2L * a.Length), store.Usage(Alice));

        // Bob, in the same project, has room of his own but the project has room for one more half only.
        BeginFor(store, c, "ds-c", Bob);
        var project = Assert.Throws<ShareStoreException>(() => BeginFor(store, c, "ds-c", Bob));
        Assert.Equal(ShareStoreErrorKind.QuotaExceeded, project.Kind);
        Assert.Contains("project storage quota", project.Message, StringComparison.Ordinal);
        // Another project's user is not affected.
        BeginFor(store, c, "ds-c", Carol);
    }

    [Fact]
    public async Task Deleting_a_half_or_abandoning_an_upload_gives_the_room_back_and_usage_survives_a_restart()
    {
        using var dir = new TempDirectory();
        var (store, a, b, c) = await SetUpAsync(dir);
        await UploadAsync(store, a, "ds-a", Alice);
        var inProgress = BeginFor(store, b, "ds-b", Alice);

        var restarted = new ShareStore(dir.Path, store.Options);
        Assert.Equal((2L * a.Length, 2L * a.Length), restarted.Usage(Alice));
        Assert.Equal(ShareStoreErrorKind.QuotaExceeded, Assert.Throws<ShareStoreException>(() => BeginFor(restarted, c, "ds-c", Alice)).Kind);

        await UploadSession.Open(restarted, inProgress.UploadId).AbortAsync();
        Assert.Equal(((long)a.Length, (long)a.Length), restarted.Usage(Alice));
        BeginFor(restarted, c, "ds-c", Alice);
        Assert.Equal(ShareStoreErrorKind.QuotaExceeded, Assert.Throws<ShareStoreException>(() => BeginFor(restarted, b, "ds-b", Alice)).Kind);

        Assert.True(await restarted.DeleteAsync("ds-a"));
        Assert.Equal(((long)c.Length, (long)c.Length), restarted.Usage(Alice));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "owners")));
        BeginFor(restarted, b, "ds-b", Alice);
    }

    [Fact]
    public async Task Parallel_begins_cannot_overshoot_the_quota()
    {
        using var dir = new TempDirectory();
        var (store, a, _, _) = await SetUpAsync(dir);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            try
            {
                BeginFor(store, a, "ds-a", new UploadOwner("user" + (i % 8), "prj-1"));
                return true;
            }
            catch (ShareStoreException e) when (e.Kind == ShareStoreErrorKind.QuotaExceeded)
            {
                return false;
            }
        })));
        // Three halves fit the project, however the begins interleave.
        Assert.Equal(3, results.Count(ok => ok));
    }
}
