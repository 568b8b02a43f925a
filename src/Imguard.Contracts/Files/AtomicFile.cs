using System.Runtime.InteropServices;

namespace Imguard.Contracts.Files;

/// <summary>
/// Writes a file whole or not at all, and durably: the content goes to a temp file in the same folder (created
/// 0600 through <see cref="OwnerOnly"/>, so the target is owner-only from its first byte: a rename keeps the mode),
/// is flushed to disk, renamed over the target (atomic on one file system), and the folder itself is flushed so the
/// new name survives a crash too (POSIX keeps a rename in the directory, not in the file). Whatever goes wrong before
/// the rename (an exception in the caller's writer, a full disk, a cancellation) the temp file is deleted and the old
/// content, if any, is untouched.
/// </summary>
/// <remarks>
/// The one writer for every small state file, key, checkpoint, share and download IMGuard replaces; a crash can
/// leave at most a temp file named <c>.&lt;name&gt;.&lt;random&gt;.tmp</c> beside the target, which a store that
/// opens over its folder may delete (<c>*.tmp</c>). The target's folder must exist: whether a missing one is made
/// (a fresh deployment) or is an error (a job folder deleted underneath) is the caller's decision.
/// </remarks>
public static class AtomicFile
{
    private const int BufferSize = 1 << 16;

    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/>; with <paramref name="overwrite"/> false an existing file is an <see cref="IOException"/> and stays as it is.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool overwrite = true)
    {
        string full = FullPath(path);
        string temp = TempPath(full);
        try
        {
            using (FileStream file = OwnerOnly.Create(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            Commit(temp, full, overwrite);
        }
        finally
        {
            DeleteIfPresent(temp);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> in UTF-8 (no byte-order mark).</summary>
    public static void WriteAllText(string path, string text, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), overwrite);
    }

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given (a streaming writer: a checkpoint, a serializer).</summary>
    public static void Write(string path, Action<Stream> write, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = FullPath(path);
        string temp = TempPath(full);
        try
        {
            using (FileStream file = OwnerOnly.Create(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            Commit(temp, full, overwrite);
        }
        finally
        {
            DeleteIfPresent(temp);
        }
    }

    /// <summary>The asynchronous <see cref="Write"/>: <paramref name="write"/> streams into the file (a download, a dataset half).</summary>
    public static Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return WriteAsync<bool>(path, async (stream, token) =>
        {
            await write(stream, token).ConfigureAwait(false);
            return true;
        }, overwrite, cancellationToken);
    }

    /// <summary>The asynchronous <see cref="Write"/> whose writer returns something (a digest of what it wrote), returned once the file is in place.</summary>
    public static async Task<T> WriteAsync<T>(string path, Func<Stream, CancellationToken, Task<T>> write, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = FullPath(path);
        string temp = TempPath(full);
        try
        {
            T result;
            await using (FileStream file = OwnerOnly.Create(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                result = await write(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            Commit(temp, full, overwrite);
            return result;
        }
        finally
        {
            DeleteIfPresent(temp);
        }
    }

    /// <summary>
    /// Flushes a folder's entries to disk after a create, rename or delete in it. POSIX only (Linux, macOS, FreeBSD);
    /// elsewhere the file system's own metadata journaling is relied on. A failure is an <see cref="IOException"/>:
    /// what the caller was about to acknowledge is not known to be durable.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return;
        }
        int fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw FlushFailed(directory, Marshal.GetLastPInvokeError());
        }
        try
        {
            if (fsync(fd) != 0)
            {
                throw FlushFailed(directory, Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static string FullPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.GetFullPath(path);
    }

    // Same folder, so the rename stays on one file system; hidden, unique (two writers of one target never share a
    // temp file) and ending in .tmp, which the stores that open over a folder recognise as never committed.
    private static string TempPath(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");

    private static void Commit(string temp, string full, bool overwrite)
    {
        File.Move(temp, full, overwrite);
        FlushDirectory(Path.GetDirectoryName(full)!);
    }

    private static void DeleteIfPresent(string temp)
    {
        if (File.Exists(temp))
        {
            File.Delete(temp);
        }
    }

    private static IOException FlushFailed(string directory, int errno) =>
        new($"Could not flush directory '{directory}' to disk (errno {errno}).");

#pragma warning disable SYSLIB1054 // plain libc calls; LibraryImport would need unsafe code in this BCL-only library
    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int fsync(int fd);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054
}
