namespace Imguard.Cli.Tests.Bench;

/// <summary>
/// <c>imguard bench mpc</c> started as <c>dotnet imguard.dll</c>: it starts both parties as child processes of
/// itself, which failed under the dotnet host ("Party 0 did not start: Could not execute because the specified command
/// or file was not found", issue 16 item 6). One measured run per operation keeps it to seconds.
/// </summary>
public sealed class MpcBenchmarkTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Under_dotnet_imguard_dll_the_benchmark_starts_both_parties_and_reports_their_figures()
    {
        (int code, string stdout, string stderr) = await ImguardChild.RunAsync(Bound, "", new Dictionary<string, string?>(), "bench", "mpc", "--iterations", "1", "--json");
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        // Figures only the party processes measure: the online phase over TLS between them.
        Assert.Contains("\"name\":\"secure.exchange.8B.online\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"secure.matmul.128x784x128.online\"", stdout, StringComparison.Ordinal);
    }
}
