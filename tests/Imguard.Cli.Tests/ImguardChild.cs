using System.Diagnostics;

namespace Imguard.Cli.Tests;

/// <summary>
/// The real <c>imguard</c> this project builds (<c>imguard.dll</c> beside the tests) run as a child process under
/// <c>dotnet</c>, as a user runs it: input written to its standard input, a bounded wait (the process tree is killed
/// past it), its exit code and both outputs.
/// </summary>
internal static class ImguardChild
{
    /// <param name="bound">The longest the command may run.</param>
    /// <param name="input">What to write to its standard input (closed after).</param>
    /// <param name="environment">Variables to set; a null value removes one the test process has.</param>
    /// <param name="arguments">The command line after <c>imguard</c>.</param>
    public static async Task<(int Code, string StandardOutput, string StandardError)> RunAsync(TimeSpan bound, string input,
        IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "imguard.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output, await error);
    }
}
