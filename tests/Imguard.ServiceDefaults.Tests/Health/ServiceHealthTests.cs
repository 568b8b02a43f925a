using Imguard.ServiceDefaults.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Imguard.ServiceDefaults.Tests.Health;

/// <summary>The shared checks and the reply, without a server: a probe write, a database's two questions, the wording.</summary>
public sealed class ServiceHealthTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("imguard-health-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_writable_folder_passes_and_keeps_no_probe_file()
    {
        HealthCheckResult result = await CheckAsync(new DataDirectoryHealthCheck(_folder));
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("a file where the folder should be")]
    [InlineData("a folder that is gone")]
    public async Task A_folder_that_takes_no_write_fails_without_naming_its_path(string how)
    {
        string folder = Path.Combine(_folder, "role");
        if (how.StartsWith("a file", StringComparison.Ordinal))
        {
            File.WriteAllText(folder, "");
        }

        HealthCheckResult result = await CheckAsync(new DataDirectoryHealthCheck(folder), HealthStatus.Unhealthy);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("The data directory cannot be written", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(_folder, result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_is_healthy_only_when_reachable_and_fully_migrated()
    {
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(new DatabaseHealthCheck(new FakeDatabase(true, [])))).Status);

        HealthCheckResult behind = await CheckAsync(new DatabaseHealthCheck(new FakeDatabase(true, ["20260101000000_Next", "20260102000000_Last"])));
        Assert.Equal(HealthStatus.Unhealthy, behind.Status);
        Assert.Contains("2 migration(s)", behind.Description, StringComparison.Ordinal);

        HealthCheckResult down = await CheckAsync(new DatabaseHealthCheck(new FakeDatabase(false, [])));
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Equal("The database cannot be reached.", down.Description);

        // A provider's message can name the host or the file: only the exception's type goes out.
        HealthCheckResult thrown = await CheckAsync(new DatabaseHealthCheck(new FakeDatabase(true, [], new InvalidOperationException("Host=db.internal;Password=hunter2"))));
        Assert.Equal(HealthStatus.Unhealthy, thrown.Status);
        Assert.Equal("The database cannot be reached (InvalidOperationException).", thrown.Description);
    }

    [Fact]
    public void The_reply_names_each_status_and_never_passes_on_an_exception_message()
    {
        var report = new HealthReport(new Dictionary<string, HealthReportEntry>
        {
            ["data-directory"] = new(HealthStatus.Healthy, "The data directory takes writes.", TimeSpan.Zero, null, null),
            ["audit"] = new(HealthStatus.Degraded, "The audit server cannot be reached.", TimeSpan.Zero, null, null),
            ["database"] = new(HealthStatus.Unhealthy, "/srv/imguard/platform.db: no such file", TimeSpan.Zero, new IOException("/srv/imguard/platform.db: no such file"), null),
        }, TimeSpan.Zero);

        HealthReply reply = ServiceHealth.ToReply("platform", report);
        Assert.Equal("platform", reply.Role);
        Assert.Equal("unhealthy", reply.Status);
        Assert.Equal(
            [new HealthCheckEntry("data-directory", "ok", "The data directory takes writes."),
             new HealthCheckEntry("audit", "degraded", "The audit server cannot be reached."),
             new HealthCheckEntry("database", "unhealthy", "The check failed (IOException).")],
            reply.Checks);
    }

    private static Task<HealthCheckResult> CheckAsync(IHealthCheck check, HealthStatus failure = HealthStatus.Unhealthy) =>
        check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("test", check, failure, tags: null) });

    private sealed class FakeDatabase(bool reachable, string[] pending, Exception? failure = null) : IMigratedDatabase
    {
        public Task<bool> CanConnectAsync(CancellationToken cancellationToken) => Task.FromResult(reachable);

        public Task<IReadOnlyList<string>> GetPendingMigrationsAsync(CancellationToken cancellationToken) =>
            failure is null ? Task.FromResult<IReadOnlyList<string>>(pending) : Task.FromException<IReadOnlyList<string>>(failure);
    }
}
