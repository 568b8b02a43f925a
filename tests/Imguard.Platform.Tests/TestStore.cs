using Imguard.Platform.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Imguard.Platform.Tests;

/// <summary>
/// A throw-away platform database, migrated: a SQLite file in a fresh temporary folder, or a PostgreSQL database
/// with a unique name on the server in <c>IMGUARD_TEST_POSTGRES</c>; removed on dispose.
/// </summary>
internal sealed class TestStore : IAsyncDisposable
{
    private readonly string? _folder;
    private readonly string? _postgresName;

    private TestStore(PlatformDatabase database, string? folder, string? postgresName, string connectionString)
    {
        Database = database;
        ConnectionString = connectionString;
        _folder = folder;
        _postgresName = postgresName;
    }

    public PlatformDatabase Database { get; }

    /// <summary>The database's connection string (for a deployment's settings).</summary>
    public string ConnectionString { get; }

    /// <summary>A fresh database, unmigrated.</summary>
    public static async Task<TestStore> CreateEmptyAsync(PlatformDatabaseProvider provider)
    {
        if (provider == PlatformDatabaseProvider.Sqlite)
        {
            string folder = Directory.CreateTempSubdirectory("imguard-platform-").FullName;
            PlatformDatabaseOptions sqlite = PlatformDatabaseOptions.ForSqlite(Path.Combine(folder, "platform.db"));
            return new TestStore(new PlatformDatabase(sqlite), folder, null, sqlite.ConnectionString);
        }

        string admin = ProviderFactAttribute.PostgresConnectionString
            ?? throw new InvalidOperationException($"{ProviderFactAttribute.Variable} is not set.");
        string name = $"imguard_platform_test_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        string connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestStore(new PlatformDatabase(new PlatformDatabaseOptions { ConnectionString = connectionString }), null, name, connectionString);
    }

    /// <summary>A fresh database with the schema applied by migrations.</summary>
    public static async Task<TestStore> CreateAsync(PlatformDatabaseProvider provider)
    {
        TestStore store = await CreateEmptyAsync(provider);
        await store.Database.MigrateAsync();
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is not a test failure.
            }
        }

        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(ProviderFactAttribute.PostgresConnectionString!, $"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
