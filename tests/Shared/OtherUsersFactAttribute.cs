namespace Imguard.Testing;

/// <summary>
/// A test that acts as other local users (hands files to another uid, runs commands as one with <c>setpriv</c> or
/// <c>runuser</c>): it runs as root on Linux with util-linux's <c>setpriv</c> and <c>runuser</c> (as CI does), and is
/// reported as skipped, with the reason, anywhere else.
/// </summary>
public sealed class OtherUsersFactAttribute : FactAttribute
{
    public OtherUsersFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "acts as other local users: Linux only";
        }
        else if (Environment.UserName != "root")
        {
            Skip = $"acts as other local users: needs root (runs as '{Environment.UserName}')";
        }
        else if (Tool("setpriv") is null || Tool("runuser") is null)
        {
            Skip = "acts as other local users: needs setpriv and runuser (util-linux) on PATH";
        }
    }

    /// <summary>
    /// The test runs <c>imguard</c> itself as another user: also skipped when that user could not (the .NET
    /// installation is not readable by others).
    /// </summary>
    public bool RunsImguard
    {
        get => _runsImguard;
        set
        {
            _runsImguard = value;
            if (value && Skip is null && Unreadable() is { } path)
            {
                Skip = $"runs imguard as another local user, who cannot read {path}";
            }
        }
    }

    private bool _runsImguard;

    /// <summary>
    /// The .NET installation another user would need for `dotnet imguard.dll` when it is closed to them, or null. (The
    /// build output is copied somewhere they can read when its own folder is not: see ImguardProcess.)
    /// </summary>
    private static string? Unreadable()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        string dotnet = Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "/usr/share/dotnet/dotnet";
        return ClosedToOthers(dotnet);
    }

    /// <summary>The first of <paramref name="path"/> and the folders above it that other users cannot read or enter, or null.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static string? ClosedToOthers(string path)
    {
        if (!Path.Exists(path) || (File.GetUnixFileMode(path) & UnixFileMode.OtherRead) == 0)
        {
            return path;
        }
        for (string? folder = Directory.Exists(path) ? path : Path.GetDirectoryName(path); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if ((File.GetUnixFileMode(folder) & UnixFileMode.OtherExecute) == 0)
            {
                return folder;
            }
        }
        return null;
    }

    /// <summary>The full path of <paramref name="name"/> on PATH (or in /usr/sbin, /sbin), or null.</summary>
    public static string? Tool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin"])
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
