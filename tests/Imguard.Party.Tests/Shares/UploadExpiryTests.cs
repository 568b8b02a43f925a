using Imguard.Party.Shares;
using static Imguard.Party.Tests.Shares.ShareFixtures;

namespace Imguard.Party.Tests.Shares;

/// <summary>Abandoned uploads are removed: by the sweep while the party runs and when the store opens, never under a chunk.</summary>
public sealed class UploadExpiryTests
{
    private static readonly TimeSpan Expiry = TimeSpan.FromHours(24);
    private static readonly ShareStoreOptions Options = new() { IncompleteUploadExpiry = Expiry };

    [Fact]
    public async Task An_upload_without_a_chunk_for_the_expiry_is_removed_by_the_sweep_and_its_client_told_why()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddYears(50));
        var store = new ShareStore(dir.Path, Options, clock);
        var (file, _) = await FileAsync();
        var session = Begin(store, file);
        string directory = Path.Combine(dir.Path, "uploads", session.UploadId);

        // Each chunk restarts the clock: 23 hours, a chunk, 23 hours more is not idle for 24.
        clock.Advance(TimeSpan.FromHours(23));
        await SendRangeAsync(session, file, 0, 300);
        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await store.SweepAsync());
        Assert.True(Directory.Exists(directory));

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await store.SweepAsync());
        Assert.False(Directory.Exists(directory));
        Assert.Empty(store.ListUploads());
        Assert.Equal(ShareStoreErrorKind.Expired, Assert.Throws<ShareStoreException>(() => UploadSession.Open(store, session.UploadId)).Kind);
        Assert.Equal(ShareStoreErrorKind.Expired, (await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(session, file, 300, 10))).Kind);
        Assert.Equal(ShareStoreErrorKind.Expired, (await Assert.ThrowsAsync<ShareStoreException>(() => session.CompleteAsync())).Kind);

        // Forgotten one expiry later: then simply not found.
        clock.Advance(Expiry);
        await store.SweepAsync();
        Assert.Equal(ShareStoreErrorKind.NotFound, Assert.Throws<ShareStoreException>(() => UploadSession.Open(store, session.UploadId)).Kind);
    }

    [Fact]
    public async Task An_upload_idle_past_the_expiry_while_the_party_was_down_is_removed_when_the_store_opens()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddYears(50));
        var (file, _) = await FileAsync();
        var stale = Begin(new ShareStore(dir.Path, Options, clock), file);
        clock.Advance(TimeSpan.FromHours(20));
        var fresh = Begin(new ShareStore(dir.Path, Options, clock), file);
        clock.Advance(TimeSpan.FromHours(5));

        var restarted = new ShareStore(dir.Path, Options, clock);
        Assert.Equal([fresh.UploadId], restarted.ListUploads());
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "uploads", stale.UploadId)));
        Assert.Equal(ShareStoreErrorKind.Expired, Assert.Throws<ShareStoreException>(() => UploadSession.Open(restarted, stale.UploadId)).Kind);
        Assert.Equal(0, UploadSession.Open(restarted, fresh.UploadId).Status.CommittedBytes);
    }

    [Fact]
    public async Task A_sweep_racing_a_chunk_either_keeps_the_upload_with_the_chunk_or_removes_it_and_refuses_the_chunk()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddYears(50));
        var store = new ShareStore(dir.Path, Options, clock);
        var (file, _) = await FileAsync();
        int kept = 0, expired = 0;
        for (int round = 0; round < 40; round++)
        {
            var session = Begin(store, file);
            string directory = Path.Combine(dir.Path, "uploads", session.UploadId);
            clock.Advance(Expiry);
            using var start = new ManualResetEventSlim();
            Task<UploadStatus> chunk = Task.Run(() => { start.Wait(); return SendAsync(session, file, 0, 500); });
            Task<int> sweep = Task.Run(() => { start.Wait(); return store.SweepAsync(); });
            start.Set();
            int swept = await sweep;
            try
            {
                UploadStatus status = await chunk;
                // The chunk came first and made the upload active again: the sweep left it, with the chunk on disk.
                Assert.Equal(0, swept);
                Assert.Equal(500, status.CommittedBytes);
                Assert.Equal(500, new FileInfo(Path.Combine(directory, "upload.partial")).Length);
                kept++;
                await session.AbortAsync();
            }
            catch (ShareStoreException e)
            {
                // The sweep came first: the chunk is refused as expired and nothing is left behind (no file recreated).
                Assert.Equal(ShareStoreErrorKind.Expired, e.Kind);
                Assert.Equal(1, swept);
                Assert.False(Directory.Exists(directory));
                expired++;
            }
        }
        Assert.Equal(40, kept + expired);
    }
}
