using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Imguard.Contracts.Files;

/// <summary>
/// Files and folders that only their owner can read, write or enter: every file IMGuard writes holds something
/// secret (a share, a key, a database, an owner's standardisation) or sits beside one, so each is created mode 0600
/// and each folder 0700, in the call that creates it — never created wider and narrowed afterwards, and whatever the
/// process umask (a umask only removes bits, so 0600/0700 come out as they are under 022 or 077). Windows has no
/// such modes; there the folder's inherited ACL applies.
/// </summary>
/// <remarks>
/// It lives in the contracts library, which is otherwise wire and file formats, because it is the one library of ours
/// that every writer references (Learning, Party, ServiceDefaults, Client, Cli) and it needs nothing beyond the BCL;
/// the share file, whose halves are the first thing this protects, is defined here too.
/// </remarks>
public static class OwnerOnly
{
    /// <summary>rw------- (0600).</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>rwx------ (0700).</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The bits that let anyone but the owner read, write, enter or run a path.</summary>
    public const UnixFileMode GroupAndOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates <paramref name="path"/> and every missing folder above it, each 0700. A folder that exists already is
    /// left as it is (a deployment's start-up check reports one that others can read).
    /// </summary>
    public static DirectoryInfo CreateDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            return Directory.CreateDirectory(path);
        }
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; the ones above it it makes with
        // the default (0755 under the usual umask). So each missing folder is made here, top down.
        var missing = new Stack<string>();
        for (string? folder = Path.GetFullPath(path); folder is not null && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
        {
            missing.Push(folder);
        }
        while (missing.TryPop(out string? folder))
        {
            Directory.CreateDirectory(folder, DirectoryMode);
        }
        return new DirectoryInfo(path);
    }

    /// <summary>
    /// Opens <paramref name="path"/> for writing, creating it 0600 (its folder must exist). <paramref name="mode"/>
    /// is one that may create: <see cref="System.IO.FileMode.CreateNew"/>, <see cref="System.IO.FileMode.Create"/>,
    /// <see cref="System.IO.FileMode.OpenOrCreate"/> or <see cref="System.IO.FileMode.Append"/>. When the file existed
    /// already (a leftover temp file, a file from an older build) and others could read it, it is narrowed to 0600
    /// before anything is written to it.
    /// </summary>
    public static FileStream Create(string path, FileMode mode = System.IO.FileMode.CreateNew, FileAccess access = FileAccess.Write,
        FileShare share = FileShare.None, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (mode is not (System.IO.FileMode.CreateNew or System.IO.FileMode.Create or System.IO.FileMode.OpenOrCreate or System.IO.FileMode.Append))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "An owner-only file is opened with a mode that may create it.");
        }
        var streamOptions = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize, Options = options };
        if (OperatingSystem.IsWindows())
        {
            return new FileStream(path, streamOptions);
        }
        streamOptions.UnixCreateMode = FileMode;
        var stream = new FileStream(path, streamOptions);
        try
        {
            Narrow(stream.SafeFileHandle);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return stream;
    }

    /// <summary>
    /// Takes group and others' access away from an existing file or folder (<c>chmod go-rwx</c>), e.g. a folder the
    /// operator made with <c>mkdir</c> (0755 under the usual umask) before IMGuard put keys in it. Returns whether it
    /// changed anything. A symbolic link is not followed.
    /// </summary>
    public static bool Narrow(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return false;
        }
        UnixFileMode current = info.UnixFileMode;
        if ((current & GroupAndOthers) == 0)
        {
            return false;
        }
        File.SetUnixFileMode(path, current & ~GroupAndOthers);
        return true;
    }

    /// <summary>Writes <paramref name="bytes"/> as the whole of <paramref name="path"/> (created 0600, or replaced in place).</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using FileStream stream = Create(path, System.IO.FileMode.Create);
        stream.Write(bytes);
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) as the whole of <paramref name="path"/> (created 0600, or replaced in place).</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// Creates <paramref name="path"/> empty and 0600 unless it exists. For files a library creates on first use with
    /// its own default mode (SQLite makes a database 0644 less the umask, and its -wal, -shm and -journal files with
    /// the database file's mode): made here first, they inherit 0600.
    /// </summary>
    public static void CreateEmptyIfMissing(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using FileStream stream = Create(path, System.IO.FileMode.CreateNew);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Someone (an earlier run) made it first: it is the database; its mode is the start-up check's concern.
        }
    }

    /// <summary>
    /// Sets this process's umask to 077, so that files and folders a library creates without an explicit mode come out
    /// owner-only too. Defence in depth for the role processes: every file IMGuard writes itself is created with an
    /// explicit mode regardless. Returns the previous umask; does nothing (and returns null) on Windows.
    /// </summary>
    public static int? RestrictProcessUmask()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        return (int)umask(0b000_111_111);
    }

    /// <summary>Narrows an open file to 0600 when group or others have any access to it.</summary>
    private static void Narrow(SafeFileHandle handle)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        UnixFileMode current = File.GetUnixFileMode(handle);
        if ((current & GroupAndOthers) != 0)
        {
            File.SetUnixFileMode(handle, current & ~GroupAndOthers);
        }
    }

    // mode_t is 32 bits on every Unix .NET runs on.
    [DllImport("libc", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // one blittable libc call; LibraryImport would need unsafe code in this BCL-only library
    private static extern uint umask(uint mask);
#pragma warning restore SYSLIB1054
}
