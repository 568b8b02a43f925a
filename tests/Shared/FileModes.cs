using System.Runtime.InteropServices;

namespace Imguard.Testing;

/// <summary>
/// Checks that files come out owner-only (0600, folders 0700) under the umask most systems give a login shell, 022:
/// a writer that forgets its mode makes 0644 files and 0755 folders there, which these checks catch. Without setting
/// the umask a runner whose own umask is 077 would hide the mistake.
/// </summary>
internal static class FileModes
{
    public const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode Folder0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Sets this test process's umask to 022 (never restored: every test is content with it).</summary>
    public static void UseUsualUmask()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = umask(0b000_010_010);
        }
    }

    /// <summary>A file 0600 or a folder 0700, exactly.</summary>
    public static void AssertOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        bool folder = Directory.Exists(path);
        Assert.True(folder || File.Exists(path), $"{path} does not exist");
        UnixFileMode mode = File.GetUnixFileMode(path);
        UnixFileMode expected = folder ? Folder0700 : File0600;
        Assert.True(mode == expected, $"{path} is {Octal(mode)}, not {Octal(expected)}");
    }

    /// <summary><paramref name="root"/> and everything under it owner-only.</summary>
    public static void AssertTreeOwnerOnly(string root)
    {
        AssertOwnerOnly(root);
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            AssertOwnerOnly(path);
        }
    }

    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    [DllImport("libc")]
#pragma warning disable CA5392, SYSLIB1054 // a single libc call in a test helper
    private static extern uint umask(uint mask);
#pragma warning restore CA5392, SYSLIB1054
}
