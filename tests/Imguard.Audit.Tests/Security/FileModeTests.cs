using Imguard.Audit.Server;
using Imguard.Audit.Storage;
using Imguard.ServiceDefaults.Deployment;
using Imguard.Testing;
using Microsoft.Data.Sqlite;

namespace Imguard.Audit.Tests.Security;

/// <summary>
/// The audit server's files under the usual umask 022: its signing key pair 0600, its SQLite log 0600 and with it the
/// write-ahead log and shared-memory files SQLite makes beside it (SQLite gives them the database file's mode, and on
/// its own would create the database 0644).
/// </summary>
public sealed class FileModeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-audit-modes-" + Guid.NewGuid().ToString("N"));

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
    public void The_signing_key_pair_is_owner_only()
    {
        var directory = new DataDirectory(_root);
        AuditServer.CreateSigningKey(directory);
        FileModes.AssertTreeOwnerOnly(directory.PkiDirectory);
        FileModes.AssertOwnerOnly(directory.AuditSigningKeyPath);
        FileModes.AssertOwnerOnly(directory.AuditVerificationKeyPath);
    }

    [Fact]
    public async Task The_log_its_write_ahead_log_and_shared_memory_file_are_owner_only()
    {
        var directory = new DataDirectory(_root);
        AuditDatabase database = AuditServer.OpenDatabase(directory, DeploymentSettings.Loopback(7400));
        await database.MigrateAsync();
        string folder = directory.RoleDirectory(ServiceRole.Audit);
        await using SqliteConnection reader = await OpenAsync(Path.Combine(folder, "audit.db"));
        string[] files = Directory.GetFiles(folder);
        Assert.Contains(Path.Combine(folder, "audit.db-wal"), files);
        Assert.Contains(Path.Combine(folder, "audit.db-shm"), files);
        FileModes.AssertTreeOwnerOnly(folder);
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
