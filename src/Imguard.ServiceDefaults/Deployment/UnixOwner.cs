using System.Globalization;
using System.Runtime.InteropServices;

namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// Who owns a path and who this process is, on Linux: .NET exposes a file's mode but not its owner. The owner comes
/// from <c>statx(2)</c>, whose record has one layout on every architecture (unlike <c>struct stat</c>). Elsewhere, or
/// on a kernel without <c>statx</c>, owners are unknown (null) and ownership is not checked.
/// </summary>
internal static class UnixOwner
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxUid = 0x8;

    /// <summary>The effective user id of this process, or null where owners are not checked.</summary>
    public static uint? ProcessUser => OperatingSystem.IsLinux() ? geteuid() : null;

    /// <summary>The user id that owns <paramref name="path"/> (a link itself, not its target), or null when unknown.</summary>
    public static uint? Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var buffer = new StatxRecord();
        try
        {
            return statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, ref buffer) == 0 && (buffer.Mask & StatxUid) != 0 ? buffer.Uid : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a C library older than glibc 2.28
        }
    }

    /// <summary>The account name of <paramref name="uid"/> from <c>/etc/passwd</c>, else <c>uid N</c>.</summary>
    public static string Describe(uint uid)
    {
        string number = uid.ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (string line in File.ReadLines("/etc/passwd"))
            {
                string[] fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == number)
                {
                    return $"{fields[0]} (uid {number})";
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return $"uid {number}";
    }

    // struct statx (linux/stat.h): 256 bytes; stx_mask at 0, stx_uid at 20.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxRecord
    {
        [FieldOffset(0)]
        public uint Mask;

        [FieldOffset(20)]
        public uint Uid;
    }

#pragma warning disable SYSLIB1054 // blittable libc calls; LibraryImport would need unsafe code in this project
    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string pathname, int flags, uint mask, ref StatxRecord buffer);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint geteuid();
#pragma warning restore SYSLIB1054
}
