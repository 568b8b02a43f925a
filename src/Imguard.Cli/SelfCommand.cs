using System.Diagnostics;

namespace Imguard.Cli;

/// <summary>
/// The command line that starts this <c>imguard</c> again as a child process (the roles of <c>imguard up</c>, the
/// parties of <c>imguard bench mpc</c>), however this one was started: the apphost (<c>imguard</c>, also what
/// <c>dotnet run</c> starts), or the .NET host with the assembly (<c>dotnet imguard.dll</c>, <c>dotnet exec</c>). In the
/// second case <see cref="Environment.ProcessPath"/> is <c>dotnet</c>, which without the assembly path would read the
/// child's first argument as an SDK command ("Could not execute because the specified command or file was not found").
/// </summary>
internal static class SelfCommand
{
    /// <summary>A start description for this <c>imguard</c> with <paramref name="arguments"/>; streams are the caller's to set.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments) =>
        StartInfo(Environment.ProcessPath, typeof(SelfCommand).Assembly.Location, arguments);

    /// <summary>
    /// As <see cref="StartInfo(IEnumerable{string})"/> for a given host path (<see cref="Environment.ProcessPath"/>) and
    /// assembly path (imguard.dll; empty in a single-file build, whose host is never <c>dotnet</c>).
    /// </summary>
    public static ProcessStartInfo StartInfo(string? processPath, string assemblyPath, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(assemblyPath);
        ArgumentNullException.ThrowIfNull(arguments);
        if (string.IsNullOrEmpty(processPath))
        {
            throw new InvalidOperationException("Cannot find the imguard executable to start a child process.");
        }
        var start = new ProcessStartInfo(processPath) { UseShellExecute = false };
        if (IsDotnetHost(processPath))
        {
            if (string.IsNullOrEmpty(assemblyPath))
            {
                throw new InvalidOperationException("imguard runs under the dotnet host, but its assembly's path is unknown; start the imguard executable instead.");
            }
            start.ArgumentList.Add(assemblyPath);
        }
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    // The .NET muxer is `dotnet` (`dotnet.exe` on Windows); the apphost carries the assembly's name, `imguard`.
    private static bool IsDotnetHost(string processPath) =>
        Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
}
