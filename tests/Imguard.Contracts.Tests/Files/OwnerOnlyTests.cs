using Imguard.Contracts.Files;
using Imguard.Testing;

namespace Imguard.Contracts.Tests.Files;

/// <summary>
/// The one helper every writer uses: under the usual umask 022 what it creates is 0600 / 0700, where the plain
/// <see cref="FileStream"/> and <see cref="Directory.CreateDirectory(string)"/> it replaces make 0644 / 0755.
/// </summary>
public sealed class OwnerOnlyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-owner-only-" + Guid.NewGuid().ToString("N"));

    public OwnerOnlyTests()
    {
        FileModes.UseUsualUmask();
        Directory.CreateDirectory(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(FileMode.CreateNew)]
    [InlineData(FileMode.Create)]
    [InlineData(FileMode.OpenOrCreate)]
    [InlineData(FileMode.Append)]
    public void A_created_file_is_0600(FileMode mode)
    {
        string path = Path.Combine(_root, "secret.bin");
        using (FileStream file = OwnerOnly.Create(path, mode))
        {
            file.WriteByte(7);
        }
        FileModes.AssertOwnerOnly(path);
    }

    [Fact]
    public void The_usual_umask_makes_plain_files_readable_by_everyone_which_is_what_the_helper_prevents()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        // The control: without the helper, the same umask gives others read access (so the tests above can fail).
        string plain = Path.Combine(_root, "plain.bin");
        File.WriteAllBytes(plain, [1]);
        Assert.Equal(UnixFileMode.OtherRead, File.GetUnixFileMode(plain) & UnixFileMode.OtherRead);
        Assert.Equal(UnixFileMode.OtherExecute, File.GetUnixFileMode(Directory.CreateDirectory(Path.Combine(_root, "plain")).FullName) & UnixFileMode.OtherExecute);
    }

    [Fact]
    public void An_existing_file_that_others_can_read_is_narrowed_before_it_is_written()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string path = Path.Combine(_root, "left-over.tmp");
        File.WriteAllBytes(path, [1, 2, 3]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        OwnerOnly.WriteAllText(path, "replaced");
        FileModes.AssertOwnerOnly(path);
        Assert.Equal("replaced", File.ReadAllText(path));
    }

    [Fact]
    public void Missing_folders_are_each_made_0700()
    {
        string deepest = Path.Combine(_root, "a", "b", "c");
        OwnerOnly.CreateDirectory(deepest);
        FileModes.AssertOwnerOnly(Path.Combine(_root, "a"));
        FileModes.AssertOwnerOnly(Path.Combine(_root, "a", "b"));
        FileModes.AssertOwnerOnly(deepest);
    }

    [Fact]
    public void An_empty_file_is_made_for_a_library_to_open_and_an_existing_one_is_left_as_it_is()
    {
        string path = Path.Combine(_root, "store.db");
        OwnerOnly.CreateEmptyIfMissing(path);
        FileModes.AssertOwnerOnly(path);
        Assert.Equal(0, new FileInfo(path).Length);
        File.WriteAllBytes(path, [9]);
        OwnerOnly.CreateEmptyIfMissing(path);
        Assert.Equal([9], File.ReadAllBytes(path));
    }

    [Fact]
    public void Narrow_takes_group_and_others_access_away_and_keeps_the_owners()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string folder = Directory.CreateDirectory(Path.Combine(_root, "made-by-mkdir")).FullName;
        string file = Path.Combine(folder, "read-only");
        File.WriteAllBytes(file, [1]);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.True(OwnerOnly.Narrow(folder));
        Assert.True(OwnerOnly.Narrow(file));
        Assert.False(OwnerOnly.Narrow(file));
        FileModes.AssertOwnerOnly(folder);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(file));
    }

    [Fact]
    public void Opening_without_creating_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OwnerOnly.Create(Path.Combine(_root, "x"), FileMode.Open));
    }
}
