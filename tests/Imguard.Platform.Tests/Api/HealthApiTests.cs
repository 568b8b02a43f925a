using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Imguard.Platform.Data;
using Imguard.ServiceDefaults.Deployment;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Imguard.Testing;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// The platform's <c>/health</c> and <c>/api/system/health</c> on a real deployment (platform and audit server on
/// 127.0.0.1): every check passes when all is well, and each dependency taken away shows as its own failing check.
/// Each test puts back what it broke, so the class shares one deployment.
/// </summary>
public abstract class HealthApiTests(PlatformApiFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [ProviderFact]
    public async Task Every_check_passes_on_a_healthy_deployment()
    {
        (HttpStatusCode code, JsonElement reply) = await HealthAsync();
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("platform", reply.GetProperty("role").GetString());
        Assert.Equal("ok", reply.GetProperty("status").GetString());
        Assert.Equal(
            [("data-directory", "ok"), ("database", "ok"), ("audit", "ok")],
            HealthReply.Checks(reply));

        using ApiClient user = await fixture.BrowserAsync(PlatformApiFixture.Unique("health"));
        JsonElement platform = (await user.GetAsync<JsonElement>("/api/system/health")).GetProperty("services")[0];
        Assert.Equal("platform", platform.GetProperty("role").GetString());
        Assert.Equal("ok", platform.GetProperty("status").GetString());
        Assert.Equal(3, platform.GetProperty("checks").GetArrayLength());
    }

    [ProviderFact]
    public async Task A_data_directory_that_takes_no_writes_makes_the_platform_unhealthy()
    {
        // A file where the role's folder was: no write lands there, whoever runs the test (root ignores mode bits).
        string folder = fixture.Deployment.Directory.RoleDirectory(ServiceRole.Platform);
        string moved = folder + ".moved";
        Directory.Move(folder, moved);
        try
        {
            File.WriteAllText(folder, "");
            (HttpStatusCode code, JsonElement reply) = await HealthAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
            Assert.Equal("unhealthy", reply.GetProperty("status").GetString());
            JsonElement check = Check(reply, "data-directory");
            Assert.Equal("unhealthy", check.GetProperty("status").GetString());
            string description = check.GetProperty("description").GetString()!;
            Assert.Contains("cannot be written", description, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Deployment.Directory.Root, description, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(folder);
            Directory.Move(moved, folder);
        }

        Assert.Equal("ok", Check((await HealthAsync()).Reply, "data-directory").GetProperty("status").GetString());
    }

    [ProviderFact]
    public async Task A_migration_missing_from_the_database_makes_the_platform_unhealthy()
    {
        PlatformDatabase database = fixture.Platform.Services.GetRequiredService<PlatformDatabase>();
        string last = database.GetDefinedMigrations()[^1];
        string version;
        await using (PlatformDbContext db = database.CreateContext())
        {
            version = await db.Database.SqlQuery<string>($"SELECT \"ProductVersion\" AS \"Value\" FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {last}").SingleAsync();
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {last}");
        }

        try
        {
            (HttpStatusCode code, JsonElement reply) = await HealthAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
            JsonElement check = Check(reply, "database");
            Assert.Equal("unhealthy", check.GetProperty("status").GetString());
            Assert.Contains("1 migration(s)", check.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await using PlatformDbContext db = database.CreateContext();
            await db.Database.ExecuteSqlAsync($"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({last}, {version})");
        }

        Assert.Equal("ok", Check((await HealthAsync()).Reply, "database").GetProperty("status").GetString());
    }

    [ProviderFact]
    public async Task An_audit_server_that_is_gone_degrades_the_platform_and_the_dashboard_says_why()
    {
        await fixture.StopAuditAsync();
        try
        {
            // The platform keeps a probe's result for a moment: ask until it has seen the audit server go (bounded).
            var clock = Stopwatch.StartNew();
            (HttpStatusCode code, JsonElement reply) = await HealthAsync();
            while (reply.GetProperty("status").GetString() == "ok" && clock.Elapsed < Bound)
            {
                await Task.Delay(250);
                (code, reply) = await HealthAsync();
            }

            // Degraded, not down: the platform serves, and its audit events wait in the outbox.
            Assert.Equal(HttpStatusCode.OK, code);
            Assert.Equal("degraded", reply.GetProperty("status").GetString());
            JsonElement audit = Check(reply, "audit");
            Assert.Equal("degraded", audit.GetProperty("status").GetString());
            Assert.Equal("The audit server cannot be reached.", audit.GetProperty("description").GetString());
            Assert.Equal("ok", Check(reply, "database").GetProperty("status").GetString());

            using ApiClient user = await fixture.BrowserAsync(PlatformApiFixture.Unique("health"));
            Dictionary<string, JsonElement> services = (await user.GetAsync<JsonElement>("/api/system/health")).GetProperty("services")
                .EnumerateArray().ToDictionary(s => s.GetProperty("role").GetString()!, s => s.Clone());
            Assert.Equal("degraded", services["platform"].GetProperty("status").GetString());
            Assert.Equal("The audit server cannot be reached.", Check(services["platform"], "audit").GetProperty("description").GetString());
            Assert.Equal("unreachable", services["audit"].GetProperty("status").GetString());
        }
        finally
        {
            await fixture.StartAuditAsync();
        }
    }

    protected PlatformApiFixture Fixture => fixture;

    protected async Task<(HttpStatusCode Code, JsonElement Reply)> HealthAsync()
    {
        using ApiClient anonymous = fixture.Anonymous();
        using HttpResponseMessage response = await anonymous.GetAsync("/health");
        return await HealthReply.ReadAsync(response);
    }

    protected static JsonElement Check(JsonElement reply, string name) => HealthReply.Check(reply, name);
}

public sealed class SqliteHealthApiTests(SqlitePlatformApiFixture fixture) : HealthApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresHealthApiTests(PostgresPlatformApiFixture fixture) : HealthApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests
{
    [ProviderFact]
    public async Task A_database_that_refuses_connections_makes_the_platform_unhealthy()
    {
        // As if PostgreSQL were stopped, for this test's own database only: new connections are refused and the open
        // ones are ended. The shared server keeps running for every other test.
        string name = new NpgsqlConnectionStringBuilder(Fixture.Deployment.Settings.PlatformDatabase.ConnectionString).Database!;
        await AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false");
        try
        {
            await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
            NpgsqlConnection.ClearAllPools();
            (HttpStatusCode code, JsonElement reply) = await HealthAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
            Assert.Equal("unhealthy", reply.GetProperty("status").GetString());
            JsonElement check = Check(reply, "database");
            Assert.Equal("unhealthy", check.GetProperty("status").GetString());
            string description = check.GetProperty("description").GetString()!;
            Assert.StartsWith("The database cannot be reached", description, StringComparison.Ordinal);
            Assert.DoesNotContain(name, description, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", description, StringComparison.Ordinal);
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
        }

        Assert.Equal("ok", Check((await HealthAsync()).Reply, "database").GetProperty("status").GetString());
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ProviderFactAttribute.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
