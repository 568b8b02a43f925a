using Imguard.Audit.Storage;
using Microsoft.Data.Sqlite;

namespace Imguard.Audit.Tests;

/// <summary>A real SQLite file in a fresh temporary folder, migrated; raw SQL for tampering; removed on dispose.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _folder;

    private TestDatabase(string folder, AuditDatabase database)
    {
        _folder = folder;
        Database = database;
        Path = System.IO.Path.Combine(folder, "audit.db");
    }

    public AuditDatabase Database { get; }

    public string Path { get; }

    /// <summary>A fresh, unmigrated database file.</summary>
    public static TestDatabase CreateEmpty()
    {
        string folder = Directory.CreateTempSubdirectory("imguard-audit-").FullName;
        return new TestDatabase(folder, new AuditDatabase(AuditDatabaseOptions.ForSqlite(System.IO.Path.Combine(folder, "audit.db"))));
    }

    /// <summary>A fresh database with the schema applied by migrations.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        TestDatabase db = CreateEmpty();
        await db.Database.MigrateAsync();
        return db;
    }

    /// <summary>Runs SQL directly on the file, as someone with access to it could (no EF, foreign keys off).</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, ForeignKeys = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a scalar query directly on the file.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, ForeignKeys = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public ValueTask DisposeAsync()
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

        return ValueTask.CompletedTask;
    }
}
