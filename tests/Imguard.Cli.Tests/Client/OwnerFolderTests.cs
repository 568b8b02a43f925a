using System.CommandLine;
using Imguard.Client.Datasets;
using Imguard.Client.Storage;
using Imguard.Learning.Data;

namespace Imguard.Cli.Tests.Client;

/// <summary>
/// Where the owner's secrets land (issue 15, item 3): <c>$IMGUARD_OWNER_DIR</c>, else <c>$XDG_DATA_HOME/imguard</c>
/// (absolute only, as the XDG spec says), else <c>~/.local/share/imguard</c> — never the working directory; ids cannot
/// leave it; and <c>imguard dataset statistics</c> gives back what the owner folder keeps for a dataset.
/// </summary>
public sealed class OwnerFolderTests : IDisposable
{
    private const string Home = "/home/owner";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-owner-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Without_settings_it_is_the_users_local_share()
    {
        Assert.Equal("/home/owner/.local/share/imguard", OwnerFolder.Resolve(Environment(), Home));
    }

    [Fact]
    public void An_absolute_xdg_data_home_is_followed_and_a_relative_or_empty_one_ignored()
    {
        Assert.Equal("/data/me/imguard", OwnerFolder.Resolve(Environment(("XDG_DATA_HOME", "/data/me")), Home));
        Assert.Equal("/home/owner/.local/share/imguard", OwnerFolder.Resolve(Environment(("XDG_DATA_HOME", "relative/share")), Home));
        Assert.Equal("/home/owner/.local/share/imguard", OwnerFolder.Resolve(Environment(("XDG_DATA_HOME", "")), Home));
    }

    [Fact]
    public void The_environment_variable_overrides_xdg_and_an_empty_one_does_not()
    {
        Assert.Equal("/vault/imguard-owner", OwnerFolder.Resolve(
            Environment((OwnerFolder.EnvironmentVariable, "/vault/imguard-owner"), ("XDG_DATA_HOME", "/data/me")), Home));
        Assert.Equal("/data/me/imguard", OwnerFolder.Resolve(Environment((OwnerFolder.EnvironmentVariable, ""), ("XDG_DATA_HOME", "/data/me")), Home));
    }

    [Fact]
    public void A_relative_override_is_made_absolute_once_so_a_later_directory_change_does_not_move_it()
    {
        string resolved = OwnerFolder.Resolve(Environment((OwnerFolder.EnvironmentVariable, "owner-files")), Home);
        Assert.Equal(Path.GetFullPath("owner-files"), resolved);
    }

    [Fact]
    public void Layout_is_datasets_and_models_under_the_root_and_ids_cannot_leave_it()
    {
        var owner = new OwnerFolder("/srv/o");
        Assert.Equal("/srv/o/datasets/ds-0123456789abcdef/ds-0123456789abcdef.standardization.json", owner.StatisticsPath("ds-0123456789abcdef"));
        Assert.Equal("/srv/o/models/job-42", owner.ModelFolder("job-42"));
        foreach (string bad in (string[])["../x", "..", "/etc", "a/b", "", ".hidden"])
        {
            Assert.Throws<ArgumentException>(() => owner.DatasetFolder(bad));
            Assert.Throws<ArgumentException>(() => owner.ModelFolder(bad));
        }
    }

    [Fact]
    public void Missing_statistics_say_where_else_they_are_and_which_option_takes_them()
    {
        var owner = new OwnerFolder(_root);
        var e = Assert.Throws<FileNotFoundException>(() => owner.LoadStatistics("ds-elsewhere", path: null));
        Assert.Contains("--standardization FILE", e.Message, StringComparison.Ordinal);
        Assert.Contains("Download statistics", e.Message, StringComparison.Ordinal);
        Assert.Equal((CommandErrors.InputError, "the standardisation of dataset ds-elsewhere is not in " + owner.DatasetFolder("ds-elsewhere")),
            (CommandErrors.Classify(e)!.Value.Code, CommandErrors.Classify(e)!.Value.Message.Split(';')[0]));
    }

    [Fact]
    public async Task Dataset_statistics_writes_what_the_owner_folder_keeps_for_a_dataset()
    {
        var owner = new OwnerFolder(Path.Combine(_root, "owner"));
        var kept = new DatasetStatistics(new Standardization([0.2860402], [0.3530239]), ["T-shirt/top", "Trouser", "naïve"]);
        OwnerFolder.Create(owner.DatasetFolder("ds-0123456789abcdef"));
        kept.Save(owner.StatisticsPath("ds-0123456789abcdef"));
        string output = Path.Combine(_root, "out", "stats.json");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        string? before = System.Environment.GetEnvironmentVariable(OwnerFolder.EnvironmentVariable);
        System.Environment.SetEnvironmentVariable(OwnerFolder.EnvironmentVariable, owner.Root);
        try
        {
            int code = await Invoke("dataset", "statistics", "--dataset", "ds-0123456789abcdef", "--out", output);
            Assert.Equal(0, code);
            DatasetStatistics written = DatasetStatistics.Load(output);
            Assert.Equal(kept.Standardization.Mean, written.Standardization.Mean);
            Assert.Equal(kept.Standardization.Std, written.Standardization.Std);
            Assert.Equal(kept.ClassNames, written.ClassNames);
            Assert.Contains("\"naïve\"", File.ReadAllText(output), StringComparison.Ordinal); // readable, not \u00EF
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
            }
            var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => Invoke("dataset", "statistics", "--dataset", "ds-not-here"));
            Assert.Contains("ds-not-here", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable(OwnerFolder.EnvironmentVariable, before);
        }
    }

    [Fact]
    public void A_statistics_file_from_before_class_names_were_kept_still_loads()
    {
        Directory.CreateDirectory(_root);
        string path = Path.Combine(_root, "old.standardization.json");
        File.WriteAllText(path, """{"mean":[0.5],"std":[0.25]}""");
        DatasetStatistics stats = DatasetStatistics.Load(path);
        Assert.Equal([0.5], stats.Standardization.Mean);
        Assert.Null(stats.ClassNames);
        File.WriteAllText(path, """{"mean":[0.5],"std":[0]}""");
        Assert.Contains("standard deviation", Assert.Throws<InvalidDataException>(() => DatasetStatistics.Load(path)).Message, StringComparison.Ordinal);
    }

    private static Task<int> Invoke(params string[] arguments) =>
        ImguardCommand.Create().Parse(arguments).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
