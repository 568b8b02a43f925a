using Imguard.Contracts.Shares;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Sharing;
using Imguard.Party.Shares;
using static Imguard.Party.Tests.Shares.ShareFixtures;

namespace Imguard.Party.Tests.Shares;

public sealed class ShareStoreTests
{
    [Fact]
    public async Task An_imported_half_is_listed_verified_loaded_and_deleted()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, digest) = await FileAsync("ds-b", party: 0);

        var stored = await store.ImportAsync(new MemoryStream(file), "ds-b", 0);
        Assert.Equal(digest, stored.Digest);
        Assert.Equal(["ds-b"], store.ListDatasets());
        Assert.True(store.Contains("ds-b"));
        Assert.Equal(stored.Header, await store.ReadHeaderAsync("ds-b"));
        Assert.Equal(digest, (await store.VerifyAsync("ds-b")).Digest);
        var half = await store.LoadAsync("ds-b");
        Assert.Equal((0, 12, 3), (half.Dataset.PartyId, half.Dataset.Count, half.Dataset.Classes));
        Assert.Equal(digest, half.Digest);

        Assert.True(await store.DeleteAsync("ds-b"));
        Assert.False(await store.DeleteAsync("ds-b"));
        Assert.Empty(store.ListDatasets());
        Assert.Equal(ShareStoreErrorKind.NotFound, Assert.Throws<ShareStoreException>(() => store.OpenRead("ds-b")).Kind);
    }

    [Fact]
    public async Task Owner_halves_uploaded_to_two_stores_reconstruct_to_the_images()
    {
        using var owner = new TempDirectory();
        using var party0 = new TempDirectory();
        using var party1 = new TempDirectory();
        var rng = new Random(3);
        var pixels = Enumerable.Range(0, 6 * 2 * 3 * 3).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var images = new LabeledImages(pixels, [0, 1, 2, 0, 1, 2], 2, 3, 3, ["a", "b", "c"]);
        var f = FixedPointFormat.Default;
        var files = await DatasetHalfFile.WriteOwnerHalvesAsync(images, f, "ds-owner", owner.Path, seedCompressParty0: true, chunkSize: 64);

        var stores = new[] { new ShareStore(party0.Path), new ShareStore(party1.Path) };
        var paths = new[] { files.Party0Path, files.Party1Path };
        var digests = new[] { files.Party0Digest, files.Party1Digest };
        for (int p = 0; p < 2; p++)
        {
            var bytes = await File.ReadAllBytesAsync(paths[p]);
            var session = UploadSession.Begin(stores[p], bytes.Length, "ds-owner", p, 1 << 20);
            await SendRangeAsync(session, bytes, 0, bytes.Length, chunk: 50);
            Assert.Equal(digests[p], (await session.CompleteAsync()).Digest);
        }
        var h0 = await stores[0].LoadAsync("ds-owner");
        var h1 = await stores[1].LoadAsync("ds-owner");
        Assert.Equal(SharePayloadKind.Seed, h0.Header.PayloadKind);
        var back = f.Decode(SecretSharer.Reconstruct(h0.Dataset.Images, h1.Dataset.Images).Span);
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.InRange(Math.Abs(back[i] - pixels[i]), 0, Math.ScaleB(1.0, -16));
        }
    }

    [Fact]
    public async Task Leftover_temp_and_partial_files_are_never_listed_and_stale_ones_are_cleaned()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        var session = Begin(store, file);
        await SendRangeAsync(session, file, 0, file.Length); // fully received, not completed
        string datasets = Path.Combine(dir.Path, "datasets");
        string uploads = Path.Combine(dir.Path, "uploads");
        // A crash mid-import and mid-state-write, and an upload directory from a crash inside Begin.
        await File.WriteAllBytesAsync(Path.Combine(datasets, ".import.0123.tmp"), file);
        await File.WriteAllBytesAsync(Path.Combine(datasets, "ds-x.share.1234.tmp"), file);
        await File.WriteAllBytesAsync(Path.Combine(datasets, "ds-y.partial"), file);
        await File.WriteAllTextAsync(Path.Combine(uploads, session.UploadId, "upload.json.abcd.tmp"), "{");
        string orphan = Path.Combine(uploads, new string('e', 32));
        Directory.CreateDirectory(orphan);
        await File.WriteAllBytesAsync(Path.Combine(orphan, "upload.partial"), file[..100]);

        Assert.Empty(store.ListDatasets());
        Assert.False(store.Contains("ds-a"));

        var restarted = new ShareStore(dir.Path);
        Assert.Empty(restarted.ListDatasets());
        Assert.Equal([session.UploadId], restarted.ListUploads());
        Assert.Equal(["ds-y.partial"], Directory.GetFiles(datasets).Select(Path.GetFileName));
        Assert.False(Directory.Exists(orphan));
        Assert.Equal(["upload.json", "upload.partial"], Directory.GetFiles(Path.Combine(uploads, session.UploadId)).Select(Path.GetFileName).Order());
        Assert.Equal(file.Length, UploadSession.Open(restarted, session.UploadId).Status.CommittedBytes);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\x")]
    [InlineData("")]
    [InlineData("x\0y")]
    public async Task Dataset_ids_outside_the_pattern_are_refused_before_any_path_is_built(string id)
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        void Refused(Action action) => Assert.Equal(ShareStoreErrorKind.InvalidId, Assert.Throws<ShareStoreException>(action).Kind);
        Refused(() => store.Contains(id));
        Refused(() => store.OpenRead(id));
        Assert.Equal(ShareStoreErrorKind.InvalidId, (await Assert.ThrowsAsync<ShareStoreException>(() => store.DeleteAsync(id))).Kind);
        Refused(() => UploadSession.Begin(store, file.Length, id, 1, 1 << 20));
        Assert.Equal(ShareStoreErrorKind.InvalidId, (await Assert.ThrowsAsync<ShareStoreException>(() => store.ImportAsync(new MemoryStream(file), id, 1))).Kind);
        Assert.Equal(ShareStoreErrorKind.InvalidId, (await Assert.ThrowsAsync<ShareStoreException>(() => store.LoadAsync(id))).Kind);
        Assert.Equal(["closed", "datasets", "owners", "uploads"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task An_import_that_names_another_dataset_or_is_corrupt_or_too_large_commits_nothing()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path, new ShareStoreOptions { MaxUploadBytes = 1000 });
        var (file, _) = await FileAsync("ds-a", count: 3);
        var (big, _) = await FileAsync("ds-a", count: 12);

        Assert.Equal(ShareStoreErrorKind.DeclarationMismatch, (await Assert.ThrowsAsync<ShareStoreException>(() => store.ImportAsync(new MemoryStream(file), "ds-b", 1))).Kind);
        Assert.Equal(ShareStoreErrorKind.DeclarationMismatch, (await Assert.ThrowsAsync<ShareStoreException>(() => store.ImportAsync(new MemoryStream(file), "ds-a", 0))).Kind);
        var corrupt = (byte[])file.Clone();
        corrupt[^1] ^= 1;
        Assert.Equal(ShareStoreErrorKind.InvalidShareFile, (await Assert.ThrowsAsync<ShareStoreException>(() => store.ImportAsync(new MemoryStream(corrupt), "ds-a", 1))).Kind);
        Assert.Equal(ShareStoreErrorKind.InvalidShareFile, (await Assert.ThrowsAsync<ShareStoreException>(() => store.ImportAsync(new MemoryStream(file[..^1]), "ds-a", 1))).Kind);
        Assert.Equal(ShareStoreErrorKind.TooLarge, (await Assert.ThrowsAsync<ShareStoreException>(() => store.ImportAsync(new MemoryStream(big), "ds-a", 1))).Kind);

        Assert.Empty(store.ListDatasets());
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "datasets")));
        await store.ImportAsync(new MemoryStream(file), "ds-a", 1);
        Assert.Equal(ShareStoreErrorKind.AlreadyExists, (await Assert.ThrowsAsync<ShareStoreException>(() => store.ImportAsync(new MemoryStream(file), "ds-a", 1))).Kind);
    }

    [Fact]
    public async Task A_stored_file_corrupted_on_disk_is_reported_on_verify_and_load()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        await store.ImportAsync(new MemoryStream(file), "ds-a", 1);
        string path = Path.Combine(dir.Path, "datasets", "ds-a.share");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[ShareFileFormat.HeaderSizeV1 + 10] ^= 1;
        await File.WriteAllBytesAsync(path, bytes);

        Assert.Equal(ShareStoreErrorKind.InvalidShareFile, (await Assert.ThrowsAsync<ShareStoreException>(() => store.VerifyAsync("ds-a"))).Kind);
        Assert.Equal(ShareStoreErrorKind.InvalidShareFile, (await Assert.ThrowsAsync<ShareStoreException>(() => store.LoadAsync("ds-a"))).Kind);
    }

    [Fact]
    public void Options_that_cannot_work_are_refused_at_start()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() => new ShareStore(dir.Path, new ShareStoreOptions { MaxUploadBytes = 10 }));
        Assert.Throws<ArgumentException>(() => new ShareStore(dir.Path, new ShareStoreOptions { MaxChunkBytes = 0 }));
    }

    [Fact]
    public void Upload_ids_are_32_lowercase_hex_characters()
    {
        Assert.True(ShareStore.IsValidUploadId(new string('0', 32)));
        Assert.False(ShareStore.IsValidUploadId(new string('A', 32)));
        Assert.False(ShareStore.IsValidUploadId(new string('0', 31)));
        Assert.False(ShareStore.IsValidUploadId(null));
    }
}
