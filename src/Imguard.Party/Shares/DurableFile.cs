using System.Runtime.InteropServices;
using Imguard.Contracts.Files;

namespace Imguard.Party.Shares;

/// <summary>
/// The few file-system steps that make "acknowledged" mean "survives a crash": data flushed to disk before it is
/// acknowledged, small state files replaced atomically (temp, fsync, rename), and the directory flushed after a
/// rename so the new name itself is durable (POSIX keeps a rename in the directory, not in the file).
/// </summary>
internal static partial class DurableFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/> atomically and durably.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            // 0600 from creation; the rename keeps it.
            using (FileStream file = OwnerOnly.Create(temp))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
        FlushDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>
    /// Flushes a directory's entries (after a create, rename or delete) to disk. POSIX only; elsewhere the file
    /// system's own metadata journaling is relied on.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return;
        }
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw PartyError.FsyncFailed(directory, Marshal.GetLastPInvokeError());
        }
        try
        {
            if (FSync(fd) != 0)
            {
                throw PartyError.FsyncFailed(directory, Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Close(int fd);
}
