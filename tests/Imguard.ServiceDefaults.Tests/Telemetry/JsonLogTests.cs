using System.Text.Json;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Telemetry;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imguard.ServiceDefaults.Tests.Telemetry;

/// <summary>The console log: readable lines by default, one JSON object per line when asked.</summary>
[Collection(ConsoleOutput.Name)]
public sealed class JsonLogTests : IDisposable
{
    private readonly TestDeployment _deployment = TestDeployment.Create();

    public void Dispose() => _deployment.Dispose();

    [Fact]
    public async Task Json_format_writes_one_json_object_per_line()
    {
        string[] lines = await LogAsync(LogFormat.Json);
        Assert.NotEmpty(lines);
        JsonElement[] entries = [.. lines.Select(line => JsonDocument.Parse(line).RootElement)];
        JsonElement entry = Assert.Single(entries, e => e.GetProperty("Category").GetString() == "Imguard.Tests.Log");
        Assert.Equal("Information", entry.GetProperty("LogLevel").GetString());
        Assert.Equal("Job job-1: attempt 2 done.", entry.GetProperty("Message").GetString());
        Assert.Equal("job-1", entry.GetProperty("State").GetProperty("Job").GetString());
        Assert.EndsWith("Z", entry.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_stays_the_default()
    {
        string[] lines = await LogAsync(LogFormat.Text);
        string line = Assert.Single(lines, l => l.Contains("Job job-1: attempt 2 done.", StringComparison.Ordinal));
        Assert.Contains("info: Imguard.Tests.Log", line, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.StartsWith('{'));
    }

    private async Task<string[]> LogAsync(LogFormat format)
    {
        using var service = new ServiceContext(ServiceRole.Platform, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Platform))
        {
            Telemetry = new TelemetryOptions { LogFormat = format },
        };
        TextWriter original = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            await using (WebApplication app = ServiceHost.CreateBuilder(service, ClientCertificateMode.AllowCertificate).Build())
            {
                await app.StartAsync();
                ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Imguard.Tests.Log");
                logger.LogInformation("Job {Job}: attempt {Attempt} done.", "job-1", 2);
                await app.StopAsync();
            }
        }
        finally
        {
            Console.SetOut(original);
        }
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
