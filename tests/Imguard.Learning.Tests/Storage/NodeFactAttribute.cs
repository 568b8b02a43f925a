namespace Imguard.Learning.Tests.Storage;

/// <summary>
/// A test that runs the web UI's TypeScript under Node.js: runs when <c>node</c> is on PATH and <c>web/node_modules</c>
/// holds esbuild (<c>cd web &amp;&amp; npm ci</c>), and is reported as skipped, saying which is missing, otherwise.
/// </summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (FindNode() is null)
        {
            Skip = "Node.js (node) is not on PATH: the browser's share writer cannot run";
        }
        else if (!File.Exists(Path.Combine(WebDirectory, "node_modules", "esbuild", "package.json")))
        {
            Skip = "web/node_modules has no esbuild: run `cd web && npm ci` to test the browser's share writer";
        }
    }

    /// <summary>The repository's web/ folder (found from the test's output folder upwards).</summary>
    public static string WebDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Imguard.slnx")))
                {
                    return Path.Combine(dir.FullName, "web");
                }
            }
            throw new DirectoryNotFoundException($"No Imguard.slnx above {AppContext.BaseDirectory}: cannot find web/.");
        }
    }

    /// <summary>The full path of <c>node</c> on PATH, or null.</summary>
    public static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node"))
            .FirstOrDefault(File.Exists);
}
