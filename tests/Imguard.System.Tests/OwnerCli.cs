namespace Imguard.SystemTests;

/// <summary>
/// Owners' commands as the multi-owner system tests run them: each owner in a folder of their own under
/// <paramref name="root"/>, with their own profile and their own owner folder (<c>IMGUARD_OWNER_DIR</c>, where an owner's
/// statistics and keys stay), so no owner's command can read another's files by accident.
/// </summary>
/// <param name="root">The folder that holds one folder per owner.</param>
/// <param name="diagnostics">What a failed command's message adds (the deployment's processes' output).</param>
internal sealed class OwnerCli(string root, Func<string> diagnostics)
{
    public string Folder(string user) => Path.Combine(root, user);

    public string Profile(string user) => Path.Combine(root, user, "profile.json");

    /// <summary>Runs <c>imguard</c> as <paramref name="user"/>, their profile appended; the exit code and output.</summary>
    public Task<(int ExitCode, string Output)> As(string user, TimeSpan bound, params string[] arguments) =>
        ImguardProcess.RunInAsync(Folder(user), new Dictionary<string, string> { ["IMGUARD_OWNER_DIR"] = Path.Combine(Folder(user), "owner") },
            bound, [.. arguments, "--profile", Profile(user)]);

    /// <summary>Runs <c>imguard</c> as <paramref name="user"/> and fails the test with every output unless it exits 0.</summary>
    public async Task<string> Succeeds(string user, TimeSpan bound, params string[] arguments)
    {
        (int code, string output) = await As(user, bound, arguments);
        Assert.True(code == 0, $"{user}: imguard {string.Join(' ', arguments)}: exit {code}\n{output}\n{diagnostics()}");
        return output;
    }
}
