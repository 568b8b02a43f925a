using Imguard.Contracts.Shares;
using Imguard.Party.Shares;
using static Imguard.Party.Tests.Shares.ShareFixtures;

namespace Imguard.Party.Tests.Shares;

public sealed class UploadSessionTests
{
    [Fact]
    public async Task A_file_sent_in_chunks_is_verified_and_committed_with_its_digest()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, digest) = await FileAsync();
        var session = Begin(store, file);

        var status = await SendRangeAsync(session, file, 0, file.Length, chunk: 100);
        Assert.True(status.IsFullyReceived);
        var stored = await session.CompleteAsync();

        Assert.Equal(digest, stored.Digest);
        Assert.Equal(("ds-a", 1), (stored.Header.DatasetId, stored.Header.PartyId));
        Assert.Equal(["ds-a"], store.ListDatasets());
        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(dir.Path, "datasets", "ds-a.share")));
        Assert.Empty(store.ListUploads());
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(dir.Path, "uploads")));
        Assert.Equal(ShareStoreErrorKind.NotFound, Assert.Throws<ShareStoreException>(() => UploadSession.Open(store, session.UploadId)).Kind);
    }

    [Fact]
    public async Task After_a_restart_the_upload_resumes_at_its_committed_length()
    {
        using var dir = new TempDirectory();
        var (file, digest) = await FileAsync();
        string uploadId;
        {
            var store = new ShareStore(dir.Path);
            var session = Begin(store, file);
            uploadId = session.UploadId;
            await SendRangeAsync(session, file, 0, 700, chunk: 100);
        }

        var restarted = new ShareStore(dir.Path);
        Assert.Equal([uploadId], restarted.ListUploads());
        var resumed = UploadSession.Open(restarted, uploadId);
        Assert.Same(resumed, UploadSession.Open(restarted, uploadId));
        Assert.Equal(700, resumed.Status.CommittedBytes);
        Assert.Equal(("ds-a", 1, (long)file.Length), (resumed.DatasetId, resumed.PartyId, resumed.Status.DeclaredBytes));

        await SendRangeAsync(resumed, file, 700, file.Length, chunk: 333);
        Assert.Equal(digest, (await resumed.CompleteAsync()).Digest);
        Assert.Equal(["ds-a"], restarted.ListDatasets());
    }

    [Fact]
    public async Task Bytes_written_but_not_acknowledged_before_a_kill_are_discarded_on_resume()
    {
        using var dir = new TempDirectory();
        var (file, digest) = await FileAsync();
        var store = new ShareStore(dir.Path);
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, 500);
        // A kill after the data write and before the state update: junk past the committed length.
        string partial = Path.Combine(dir.Path, "uploads", session.UploadId, "upload.partial");
        await using (var stream = new FileStream(partial, FileMode.Append))
        {
            stream.Write(new byte[77]);
        }

        var resumed = UploadSession.Open(new ShareStore(dir.Path), session.UploadId);
        Assert.Equal(500, resumed.Status.CommittedBytes);
        Assert.Equal(500, new FileInfo(partial).Length);
        await SendRangeAsync(resumed, file, 500, file.Length);
        Assert.Equal(digest, (await resumed.CompleteAsync()).Digest);
    }

    [Fact]
    public async Task Out_of_order_and_overlapping_chunks_are_refused()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, 300);

        var gap = await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(session, file, 400, 100));
        Assert.Equal(ShareStoreErrorKind.OffsetConflict, gap.Kind);
        Assert.Contains("resume at offset 300", gap.Message, StringComparison.Ordinal);
        var overlap = await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(session, file, 250, 100));
        Assert.Equal(ShareStoreErrorKind.OffsetConflict, overlap.Kind);
        Assert.Equal(300, session.Status.CommittedBytes);
    }

    [Fact]
    public async Task A_stored_chunk_sent_again_is_accepted_once_and_different_bytes_for_it_are_refused()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, digest) = await FileAsync();
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, 300);

        // The acknowledgement of [200, 300) was lost; the client retries it.
        Assert.Equal(300, (await SendAsync(session, file, 200, 100)).CommittedBytes);
        Assert.Equal(300, (await SendAsync(session, file, 0, 300)).CommittedBytes);

        var other = file[200..300];
        other[5] ^= 1;
        var e = await Assert.ThrowsAsync<ShareStoreException>(() => session.AppendChunkAsync(200, other, Sha(other)));
        Assert.Equal(ShareStoreErrorKind.OffsetConflict, e.Kind);

        await SendRangeAsync(session, file, 300, file.Length);
        Assert.Equal(digest, (await session.CompleteAsync()).Digest);
    }

    [Fact]
    public async Task A_chunk_that_does_not_match_its_hash_is_refused_and_not_written()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, 200);
        string partial = Path.Combine(dir.Path, "uploads", session.UploadId, "upload.partial");

        var chunk = file[200..300];
        var hash = Sha(chunk);
        chunk[0] ^= 0xFF;
        var e = await Assert.ThrowsAsync<ShareStoreException>(() => session.AppendChunkAsync(200, chunk, hash));
        Assert.Equal(ShareStoreErrorKind.ChunkHashMismatch, e.Kind);
        Assert.Equal(200, session.Status.CommittedBytes);
        Assert.Equal(200, new FileInfo(partial).Length);
        Assert.Equal(200, UploadSession.Open(new ShareStore(dir.Path), session.UploadId).Status.CommittedBytes);
    }

    [Theory]
    [InlineData("ds-other", 1)]
    [InlineData("ds-a", 0)]
    public async Task A_file_whose_header_names_another_dataset_or_party_is_refused_at_its_header(string fileId, int fileParty)
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync(fileId, fileParty);
        var session = UploadSession.Begin(store, file.Length, "ds-a", 1, 1 << 20);

        await SendAsync(session, file, 0, 100); // the header is not complete yet
        var e = await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(session, file, 100, 100));
        Assert.Equal(ShareStoreErrorKind.DeclarationMismatch, e.Kind);
        Assert.Equal(100, session.Status.CommittedBytes);
        Assert.Empty(store.ListDatasets());
    }

    [Fact]
    public async Task A_half_with_its_owners_key_is_stored_with_the_key()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        byte[] key = OwnerKey();
        var (file, digest) = await FileAsync(ownerKey: key);
        var session = Begin(store, file);

        // 200 bytes: past a version 1 header, short of version 2's 280; the check waits for the chunk that completes it.
        await SendRangeAsync(session, file, 0, file.Length, chunk: 200);
        var stored = await session.CompleteAsync();

        Assert.Equal(digest, stored.Digest);
        Assert.Equal(key, stored.Header.OwnerKey);
        Assert.Equal(key, (await store.ReadHeaderAsync("ds-a")).OwnerKey);
    }

    [Theory]
    [InlineData(100, 100)]
    [InlineData(150, 100)]
    [InlineData(200, 100)]
    public async Task A_version_2_file_for_another_dataset_is_refused_at_the_chunk_that_completes_its_header(int first, int second)
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync("ds-other", ownerKey: OwnerKey());
        var session = UploadSession.Begin(store, file.Length, "ds-a", 1, 1 << 20);

        await SendAsync(session, file, 0, first); // short of byte 280: nothing to check yet
        var e = await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(session, file, first, second + 100));
        Assert.Equal(ShareStoreErrorKind.DeclarationMismatch, e.Kind);
        Assert.Equal(first, session.Status.CommittedBytes);
    }

    private static byte[] OwnerKey()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfo();
    }

    [Theory]
    [InlineData("ds-other", 1)]
    [InlineData("ds-a", 0)]
    public async Task A_completed_upload_whose_header_differs_from_the_declaration_is_rejected_and_nothing_is_committed(string fileId, int fileParty)
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        var (impostor, _) = await FileAsync(fileId, fileParty);
        Assert.Equal(file.Length, impostor.Length);
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, file.Length);
        // The data file is replaced on disk after the header check (tampering, or a bug): completion checks again.
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "uploads", session.UploadId, "upload.partial"), impostor);

        var e = await Assert.ThrowsAsync<ShareStoreException>(() => session.CompleteAsync());
        Assert.Equal(ShareStoreErrorKind.DeclarationMismatch, e.Kind);
        Assert.Empty(store.ListDatasets());
        Assert.False(store.Contains("ds-a"));
        Assert.False(store.Contains(fileId));
        Assert.Empty(store.ListUploads());
    }

    [Fact]
    public async Task A_corrupt_payload_fails_completion_and_nothing_is_committed()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        file[ShareFileFormat.HeaderSizeV1 + 300] ^= 1; // sent with matching transfer hashes: only the file's chunk hash sees it
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, file.Length);

        var e = await Assert.ThrowsAsync<ShareStoreException>(() => session.CompleteAsync());
        Assert.Equal(ShareStoreErrorKind.InvalidShareFile, e.Kind);
        Assert.Equal(ShareFileErrorKind.ChunkCorrupt, Assert.IsType<ShareFileException>(e.InnerException).Kind);
        Assert.Empty(store.ListDatasets());
        Assert.Empty(store.ListUploads());
    }

    [Fact]
    public async Task Completing_before_every_byte_arrived_is_refused_and_the_upload_stays_resumable()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, digest) = await FileAsync();
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, file.Length - 1);

        Assert.Equal(ShareStoreErrorKind.Incomplete, (await Assert.ThrowsAsync<ShareStoreException>(() => session.CompleteAsync())).Kind);
        Assert.Empty(store.ListDatasets());
        await SendAsync(session, file, file.Length - 1, 1);
        Assert.Equal(digest, (await session.CompleteAsync()).Digest);
    }

    [Fact]
    public async Task Oversized_uploads_and_chunks_are_refused()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path, new ShareStoreOptions { MaxUploadBytes = 4096, MaxChunkBytes = 512 });
        var (file, _) = await FileAsync();

        Assert.Equal(ShareStoreErrorKind.TooLarge, Assert.Throws<ShareStoreException>(() => UploadSession.Begin(store, file.Length, "ds-a", 1, maxBytes: file.Length - 1)).Kind);
        Assert.Equal(ShareStoreErrorKind.TooLarge, Assert.Throws<ShareStoreException>(() => UploadSession.Begin(store, 4097, "ds-a", 1, maxBytes: 1 << 30)).Kind);
        Assert.Equal(ShareStoreErrorKind.InvalidRequest, Assert.Throws<ShareStoreException>(() => UploadSession.Begin(store, 100, "ds-a", 1, maxBytes: 4096)).Kind);
        Assert.Empty(store.ListUploads());

        var session = Begin(store, file);
        Assert.Equal(ShareStoreErrorKind.ChunkTooLarge, (await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(session, file, 0, 513))).Kind);
        await SendRangeAsync(session, file, 0, file.Length - 10, chunk: 512);
        var past = new byte[20];
        var e = await Assert.ThrowsAsync<ShareStoreException>(() => session.AppendChunkAsync(file.Length - 10, past, Sha(past)));
        Assert.Equal(ShareStoreErrorKind.TooLarge, e.Kind);
        Assert.Equal(file.Length - 10, session.Status.CommittedBytes);
    }

    [Fact]
    public async Task A_declared_length_that_the_header_contradicts_is_refused_at_the_header()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        var session = UploadSession.Begin(store, file.Length + 100, "ds-a", 1, 1 << 20);
        var e = await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(session, file, 0, 200));
        Assert.Equal(ShareStoreErrorKind.DeclarationMismatch, e.Kind);
        Assert.Contains("file length", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_for_a_stored_dataset_is_refused_and_the_stored_half_is_kept()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, digest) = await FileAsync();
        var first = Begin(store, file);
        var second = Begin(store, file);
        await SendRangeAsync(first, file, 0, file.Length);
        await SendRangeAsync(second, file, 0, file.Length);
        await first.CompleteAsync();

        Assert.Equal(ShareStoreErrorKind.AlreadyExists, (await Assert.ThrowsAsync<ShareStoreException>(() => second.CompleteAsync())).Kind);
        Assert.Equal(ShareStoreErrorKind.AlreadyExists, Assert.Throws<ShareStoreException>(() => Begin(store, file)).Kind);
        Assert.Equal(digest, (await store.VerifyAsync("ds-a")).Digest);
        Assert.True(await second.AbortAsync());
    }

    [Fact]
    public async Task Abort_removes_the_upload()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, 300);

        Assert.True(await session.AbortAsync());
        Assert.False(await session.AbortAsync());
        Assert.Empty(store.ListUploads());
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "uploads", session.UploadId)));
        Assert.Equal(ShareStoreErrorKind.NotFound, (await Assert.ThrowsAsync<ShareStoreException>(() => SendAsync(session, file, 300, 10))).Kind);
        Assert.Equal(ShareStoreErrorKind.NotFound, Assert.Throws<ShareStoreException>(() => UploadSession.Open(new ShareStore(dir.Path), session.UploadId)).Kind);
    }

    [Fact]
    public async Task An_unreadable_state_file_is_removed_at_restart_not_guessed()
    {
        using var dir = new TempDirectory();
        var (file, _) = await FileAsync();
        var session = Begin(new ShareStore(dir.Path), file);
        string directory = Path.Combine(dir.Path, "uploads", session.UploadId);
        await File.WriteAllTextAsync(Path.Combine(directory, "upload.json"), "{ \"version\": ");
        var e = Assert.Throws<ShareStoreException>(() => UploadSession.Open(new ShareStore(dir.Path), session.UploadId));
        Assert.Equal(ShareStoreErrorKind.NotFound, e.Kind);
        Assert.False(Directory.Exists(directory));
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("..")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcde/")]
    [InlineData("")]
    public void Upload_ids_outside_the_pattern_are_refused_before_any_path_is_built(string uploadId)
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<ShareStoreException>(() => UploadSession.Open(new ShareStore(dir.Path), uploadId));
        Assert.Equal(ShareStoreErrorKind.InvalidId, e.Kind);
    }

    [Fact]
    public async Task Malformed_chunks_are_refused()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        var session = Begin(store, file);
        Assert.Equal(ShareStoreErrorKind.InvalidRequest, (await Assert.ThrowsAsync<ShareStoreException>(() => session.AppendChunkAsync(0, Array.Empty<byte>(), Sha([])))).Kind);
        Assert.Equal(ShareStoreErrorKind.InvalidRequest, (await Assert.ThrowsAsync<ShareStoreException>(() => session.AppendChunkAsync(0, file.AsMemory(0, 10), new byte[31]))).Kind);
        Assert.Equal(ShareStoreErrorKind.InvalidRequest, (await Assert.ThrowsAsync<ShareStoreException>(() => session.AppendChunkAsync(-1, file.AsMemory(0, 10), Sha(file.AsSpan(0, 10))))).Kind);
        // An offset whose end overflows a long is past the declared length, not a negative end that passes the checks.
        Assert.Equal(ShareStoreErrorKind.TooLarge, (await Assert.ThrowsAsync<ShareStoreException>(() => session.AppendChunkAsync(long.MaxValue - 5, file.AsMemory(0, 10), Sha(file.AsSpan(0, 10))))).Kind);
        Assert.Equal(ShareStoreErrorKind.InvalidRequest, Assert.Throws<ShareStoreException>(() => UploadSession.Begin(store, file.Length, "ds-a", 2, 1 << 20)).Kind);
    }

    [Fact]
    public async Task Concurrent_senders_of_the_same_chunks_leave_one_consistent_file()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, digest) = await FileAsync();
        var session = Begin(store, file);
        // Each sender goes in order, so it is never ahead of the committed length: its chunks are either new or retries.
        async Task Sender()
        {
            for (long at = 0; at < file.Length; at += 128)
            {
                await SendAsync(session, file, at, (int)Math.Min(128, file.Length - at));
            }
        }
        await Task.WhenAll(Task.Run(Sender), Task.Run(Sender));
        Assert.Equal(digest, (await session.CompleteAsync()).Digest);
    }
}
