using CsCheck;
using Imguard.Contracts.Files;
using Imguard.Testing;

namespace Imguard.Contracts.Tests.Files;

/// <summary>
/// The one atomic writer: the target holds either its old content or the whole new one, never a mixture or a prefix;
/// it is 0600 under the usual umask 022 whatever it was before; no temp file outlives a write, failed or not.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-atomic-file-" + Guid.NewGuid().ToString("N"));

    public AtomicFileTests()
    {
        FileModes.UseUsualUmask();
        Directory.CreateDirectory(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Target => Path.Combine(_root, "state.json");

    [Fact]
    public void The_content_is_replaced_whole_and_no_temp_file_is_left()
    {
        string path = Target;
        Gen.Select(Gen.Byte.Array[0, 4096], Gen.Byte.Array[0, 4096]).Sample((first, second) =>
        {
            AtomicFile.WriteAllBytes(path, first);
            Assert.Equal(first, File.ReadAllBytes(path));
            AtomicFile.WriteAllBytes(path, second);
            Assert.Equal(second, File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(_root));
        }, iter: 200, threads: 1);  // one target: the samples run one after another
    }

    [Fact]
    public async Task Every_variant_writes_the_same_file()
    {
        byte[] bytes = "{\"a\":1}"u8.ToArray();
        AtomicFile.WriteAllText(Path.Combine(_root, "text"), "{\"a\":1}");
        AtomicFile.Write(Path.Combine(_root, "stream"), stream => stream.Write(bytes));
        await AtomicFile.WriteAsync(Path.Combine(_root, "async"), (stream, token) => stream.WriteAsync(bytes, token).AsTask());
        int written = await AtomicFile.WriteAsync(Path.Combine(_root, "async-result"), async (stream, token) =>
        {
            await stream.WriteAsync(bytes, token);
            return bytes.Length;
        });
        Assert.Equal(bytes.Length, written);
        foreach (string name in new[] { "text", "stream", "async", "async-result" })
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_root, name)));
            FileModes.AssertOwnerOnly(Path.Combine(_root, name));
        }
        Assert.Equal(4, Directory.GetFiles(_root).Length);
    }

    [Fact]
    public void The_target_is_0600_under_the_usual_umask_even_over_a_file_others_could_read()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        File.WriteAllText(Target, "old");
        File.SetUnixFileMode(Target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        AtomicFile.WriteAllText(Target, "new");
        FileModes.AssertOwnerOnly(Target);
        AtomicFile.Write(Path.Combine(_root, "fresh"), stream => stream.WriteByte(1));
        FileModes.AssertOwnerOnly(Path.Combine(_root, "fresh"));
    }

    [Fact]
    public void A_crash_mid_write_leaves_the_old_content_and_no_temp_file()
    {
        AtomicFile.WriteAllText(Target, "old content");
        var crash = new InvalidOperationException("the writer crashed");
        Exception thrown = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(Target, stream =>
        {
            stream.Write(new byte[100_000]);  // past the buffer: some of it is on disk in the temp file already
            throw crash;
        }));
        Assert.Same(crash, thrown);
        Assert.Equal("old content", File.ReadAllText(Target));
        Assert.Equal([Target], Directory.GetFiles(_root));
    }

    [Fact]
    public async Task A_failed_or_cancelled_asynchronous_write_leaves_the_old_content_and_no_temp_file()
    {
        AtomicFile.WriteAllText(Target, "old content");
        await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteAsync(Target, async (stream, token) =>
        {
            await stream.WriteAsync(new byte[100_000], token);
            throw new IOException("the connection dropped");
        }));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(Target, (stream, token) => stream.WriteAsync(new byte[10], token).AsTask(), cancellationToken: cancelled.Token));
        Assert.Equal("old content", File.ReadAllText(Target));
        Assert.Equal([Target], Directory.GetFiles(_root));
    }

    [Fact]
    public void Without_overwrite_an_existing_file_is_kept_and_the_write_fails()
    {
        AtomicFile.WriteAllText(Target, "first", overwrite: false);
        Assert.Throws<IOException>(() => AtomicFile.WriteAllText(Target, "second", overwrite: false));
        Assert.Equal("first", File.ReadAllText(Target));
        Assert.Equal([Target], Directory.GetFiles(_root));
    }

    [Fact]
    public void The_folder_must_exist_it_is_never_made_behind_the_callers_back()
    {
        string missing = Path.Combine(_root, "gone", "state.json");
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(missing, "x"));
        Assert.False(Directory.Exists(Path.Combine(_root, "gone")));
    }

    [Fact]
    public void Flushing_a_folder_that_does_not_exist_is_an_error_not_a_silent_success()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        AtomicFile.FlushDirectory(_root);
        Assert.Throws<IOException>(() => AtomicFile.FlushDirectory(Path.Combine(_root, "gone")));
    }
}
