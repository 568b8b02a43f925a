using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Imguard.Testing;

namespace Imguard.SystemTests;

/// <summary>
/// The real <c>imguard</c> executable started as a child process (<c>dotnet imguard.dll</c> from the test's output
/// folder), its output captured line by line so a test can wait for a line with a bound.
/// </summary>
internal sealed class ImguardProcess : IAsyncDisposable
{
    /// <summary>
    /// Runs its arguments as a background job of a non-interactive bash, as a script's <c>imguard up &amp;</c> does: bash
    /// starts it with SIGINT and SIGQUIT ignored. Prints the job's process id first; bash exits with the job's exit code.
    /// </summary>
    private const string BackgroundJobScript =
        "\"$@\" &\n" +
        "echo \"imguard background job $!\"\n" +
        "wait $!\n" +
        "exit $?\n";

    private const string BackgroundJobLine = "imguard background job ";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly bool _backgroundJob;

    private ImguardProcess(Process process, bool backgroundJob = false)
    {
        _process = process;
        _backgroundJob = backgroundJob;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output => string.Join('\n', _lines);

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ImguardProcess Start(params string[] arguments) => Start(new Dictionary<string, string>(), arguments);

    /// <summary>Starts <c>imguard</c> with these environment variables set on top of the test's own.</summary>
    public static ImguardProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(null, environment, arguments);

    /// <summary>Starts <c>imguard</c> in <paramref name="workingDirectory"/> with these environment variables (an owner's shell).</summary>
    public static ImguardProcess StartIn(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(null, environment, arguments, workingDirectory);

    /// <summary>
    /// Starts <c>imguard</c> as the local user <paramref name="uid"/> (its group the same number, no other groups), by
    /// <c>setpriv</c>, which then runs <c>dotnet</c> in its place: the test needs to run as root.
    /// </summary>
    public static ImguardProcess StartAsUser(uint uid, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(uid, environment, arguments);

    private static ImguardProcess Start(uint? uid, IReadOnlyDictionary<string, string> environment, string[] arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(uid is null ? "dotnet" : "setpriv")
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (uid is uint user)
        {
            foreach (string argument in (string[])[$"--reuid={user}", $"--regid={user}", "--clear-groups", "--", "dotnet"])
            {
                start.ArgumentList.Add(argument);
            }
        }
        start.ArgumentList.Add(Path.Combine(uid is null ? AppContext.BaseDirectory : BuildForOtherUsers.Value, "imguard.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }
        return new ImguardProcess(Process.Start(start)!);
    }

    /// <summary>
    /// The test's build output as another user can run it: the output folder itself when every folder above it lets
    /// others in, else a copy in a fresh world-readable folder under the system's temporary folder (a checkout under
    /// /root or in a 0700 mktemp folder, as ../shared/tools/fresh-clone-test.sh makes, is closed to other users). The
    /// build holds no secret; <see cref="RemoveBuildCopy"/> removes the copy.
    /// </summary>
    private static readonly Lazy<string> BuildForOtherUsers = new(() =>
    {
        string build = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        if (OperatingSystem.IsWindows() || OtherUsersFactAttribute.ClosedToOthers(build) is null)
        {
            return build;
        }
        const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode Enterable = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        string copy = Path.Combine(Path.GetTempPath(), "imguard-build-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy, Enterable);
        foreach (string folder in Directory.EnumerateDirectories(build, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(copy, Path.GetRelativePath(build, folder)), Enterable);
        }
        foreach (string file in Directory.EnumerateFiles(build, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(copy, Path.GetRelativePath(build, file));
            File.Copy(file, to);
            File.SetUnixFileMode(to, Readable);
        }
        return copy;
    });

    /// <summary>Removes the copy of the build that <see cref="StartAsUser"/> made for other users, if it made one.</summary>
    public static void RemoveBuildCopy()
    {
        if (BuildForOtherUsers.IsValueCreated && BuildForOtherUsers.Value != AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar))
        {
            Directory.Delete(BuildForOtherUsers.Value, recursive: true);
        }
    }

    /// <summary>
    /// Starts <c>imguard</c> as a background job of <c>bash -c</c> (SIGINT ignored, as a script's <c>imguard up &amp;</c>);
    /// <see cref="Interrupt"/> then signals the job, and the exit code is the job's.
    /// </summary>
    public static ImguardProcess StartAsBackgroundJob(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["-c", BackgroundJobScript, "bash", "dotnet", Path.Combine(AppContext.BaseDirectory, "imguard.dll"), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return new ImguardProcess(Process.Start(start)!, backgroundJob: true);
    }

    /// <summary>The signals the running background job ignores now (Linux: SigIgn of /proc/PID/status).</summary>
    public ulong BackgroundJobIgnoredSignals =>
        Convert.ToUInt64(File.ReadLines($"/proc/{BackgroundJobId}/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim(), 16);

    private int BackgroundJobId =>
        int.Parse(_lines.First(l => l.StartsWith(BackgroundJobLine, StringComparison.Ordinal))[BackgroundJobLine.Length..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs <c>imguard</c> to completion (bounded) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        await using ImguardProcess process = Start(arguments);
        using var cts = new CancellationTokenSource(timeout);
        await process._process.WaitForExitAsync(cts.Token);
        process._process.WaitForExit(); // drains the asynchronous output readers
        return (process._process.ExitCode, process.Output);
    }

    /// <summary>Runs <c>imguard</c> to completion (bounded) in <paramref name="workingDirectory"/> with these environment variables.</summary>
    public static async Task<(int ExitCode, string Output)> RunInAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout,
        params string[] arguments)
    {
        await using ImguardProcess process = StartIn(workingDirectory, environment, arguments);
        process._process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        await process._process.WaitForExitAsync(cts.Token);
        process._process.WaitForExit();
        return (process._process.ExitCode, process.Output);
    }

    /// <summary>Runs <c>imguard</c> to completion (bounded) with <paramref name="input"/> on its standard input.</summary>
    public static async Task<(int ExitCode, string Output)> RunWithInputAsync(TimeSpan timeout, string input, params string[] arguments)
    {
        await using ImguardProcess process = Start(arguments);
        await process._process.StandardInput.WriteAsync(input);
        process._process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        await process._process.WaitForExitAsync(cts.Token);
        process._process.WaitForExit();
        return (process._process.ExitCode, process.Output);
    }

    public async Task WaitForLineAsync(string fragment, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_lines.Any(l => l.Contains(fragment, StringComparison.Ordinal)))
            {
                return;
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"imguard exited ({_process.ExitCode}) before printing '{fragment}':\n{Output}");
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"imguard did not print '{fragment}' within {timeout.TotalSeconds:0} s:\n{Output}");
    }

    /// <summary>Ctrl-C: SIGINT on Unix (to the background job, not its shell, when started as one).</summary>
    public void Interrupt()
    {
        if (!OperatingSystem.IsWindows())
        {
            int target = _backgroundJob ? BackgroundJobId : _process.Id;
            _ = kill(target, 2);
        }
        else
        {
            _process.Kill();
        }
    }

    /// <summary>SIGKILL: the process gets no chance to clean up (a crash or power cut as far as it can tell).</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Closes standard input (how <c>imguard up</c> tells a role to stop).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Say what it was doing: the output names the role that did not stop and what it printed last.
            string output = Output;
            throw new TimeoutException($"imguard did not exit within {timeout.TotalSeconds:0} s; its output ends:\n{output[Math.Max(0, output.Length - 6000)..]}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable CA5392, SYSLIB1054 // a single libc call in a test helper
    private static extern int kill(int pid, int signal);
#pragma warning restore CA5392, SYSLIB1054
}
