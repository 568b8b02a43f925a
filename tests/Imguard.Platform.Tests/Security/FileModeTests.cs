using Imguard.Platform.Data;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Tests.Security;

/// <summary>
/// The platform's files under the usual umask 022: its SQLite database with the files SQLite makes beside it, and the
/// data-protection keys the platform keeps for session cookies (whoever reads one can forge any user's session), all
/// 0600. (The framework's key repository already writes 0600; the test keeps it so.)
/// </summary>
public sealed class FileModeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-platform-modes-" + Guid.NewGuid().ToString("N"));

    public FileModeTests() => FileModes.UseUsualUmask();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task The_database_its_write_ahead_log_and_shared_memory_file_are_owner_only()
    {
        var directory = new DataDirectory(_root);
        PlatformDatabase database = PlatformServer.OpenDatabase(directory, DeploymentSettings.Loopback(7400));
        await database.MigrateAsync();
        string folder = directory.RoleDirectory(ServiceRole.Platform);
        await using SqliteConnection reader = await OpenAsync(Path.Combine(folder, "platform.db"));
        string[] files = Directory.GetFiles(folder);
        Assert.Contains(Path.Combine(folder, "platform.db-wal"), files);
        Assert.Contains(Path.Combine(folder, "platform.db-shm"), files);
        FileModes.AssertTreeOwnerOnly(folder);
    }

    [Fact]
    public async Task The_keys_data_protection_makes_for_the_platform_are_owner_only()
    {
        using TestDeployment deployment = TestDeployment.Create();
        using var service = new ServiceContext(ServiceRole.Platform, deployment.Directory, deployment.Settings, deployment.Identity(ServiceRole.Platform));
        await using (WebApplication platform = await PlatformServer.CreateAsync(service, [], new PlatformOptions()))
        {
            // The first cookie or antiforgery token makes the key ring's first key.
            Assert.NotEmpty(platform.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("cookie"));
        }
        SqliteConnection.ClearAllPools();
        string keys = Path.Combine(service.RoleDirectory, "keys");
        string key = Assert.Single(Directory.GetFiles(keys));
        Assert.StartsWith("key-", Path.GetFileName(key), StringComparison.Ordinal);
        FileModes.AssertTreeOwnerOnly(keys);
    }

    /// <summary>A connection that has read the database: while it is open, SQLite keeps the -wal and -shm files.</summary>
    private static async Task<SqliteConnection> OpenAsync(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master";
        await command.ExecuteScalarAsync();
        return connection;
    }
}
