using System.Net;
using System.Text.Json;
using Imguard.Audit.Server;
using Imguard.Audit.Storage;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Audit.Tests.Api;

/// <summary>The audit server's <c>/health</c> on 127.0.0.1 with real mutual TLS: database and data directory checked.</summary>
public sealed class AuditHealthTests : IAsyncLifetime
{
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private ServiceContext? _service;
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        AuditServer.CreateSigningKey(_deployment.Directory);
        _service = new ServiceContext(ServiceRole.Audit, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Audit));
        _app = await AuditServer.CreateAsync(_service);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        _service!.Dispose();
        SqliteConnection.ClearAllPools();
        _deployment.Dispose();
    }

    [Fact]
    public async Task Every_check_passes_on_a_healthy_server()
    {
        (HttpStatusCode code, JsonElement reply) = await HealthAsync();
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("audit", reply.GetProperty("role").GetString());
        Assert.Equal("ok", reply.GetProperty("status").GetString());
        Assert.Equal(
            [("data-directory", "ok"), ("database", "ok")],
            HealthReply.Checks(reply));
    }

    [Fact]
    public async Task A_migration_missing_from_the_ledger_database_makes_the_server_unhealthy()
    {
        AuditDatabase database = _app!.Services.GetRequiredService<AuditDatabase>();
        string last = database.GetDefinedMigrations()[^1];
        await using (AuditDbContext db = database.CreateContext())
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {last}");
        }

        (HttpStatusCode code, JsonElement reply) = await HealthAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.Equal("unhealthy", reply.GetProperty("status").GetString());
        JsonElement check = Check(reply, "database");
        Assert.Equal("unhealthy", check.GetProperty("status").GetString());
        Assert.Contains("1 migration(s)", check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_that_takes_no_writes_makes_the_server_unhealthy()
    {
        // A file where the audit folder was: no write lands there, even for root (which ignores mode bits).
        string folder = _deployment.Directory.RoleDirectory(ServiceRole.Audit);
        string moved = folder + ".moved";
        Directory.Move(folder, moved);
        try
        {
            File.WriteAllText(folder, "");
            (HttpStatusCode code, JsonElement reply) = await HealthAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
            Assert.Equal("unhealthy", Check(reply, "data-directory").GetProperty("status").GetString());
        }
        finally
        {
            File.Delete(folder);
            Directory.Move(moved, folder);
        }
    }

    private async Task<(HttpStatusCode Code, JsonElement Reply)> HealthAsync()
    {
        // The audit server admits IMGuard services only: ask as the platform.
        using ServiceIdentity platform = _deployment.Identity(ServiceRole.Platform);
        using var http = new HttpClient(MutualTls.CreateServiceHandler(platform, ServiceRole.Audit)) { BaseAddress = _deployment.Settings.Audit.Url };
        using HttpResponseMessage response = await http.GetAsync("health");
        return await HealthReply.ReadAsync(response);
    }

    private static JsonElement Check(JsonElement reply, string name) => HealthReply.Check(reply, name);
}
