using Imguard.Platform.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Tests.Data;

public sealed class MigrationTests
{
    internal static readonly string[] Tables =
        ["users", "api_tokens", "projects", "project_members", "datasets", "dataset_half_reports", "jobs", "job_log_entries", "job_progress_points", "job_epochs", "__EFMigrationsHistory"];

    [Fact]
    public void Each_provider_has_its_own_migrations_and_they_match_the_model()
    {
        // HasPendingModelChanges compares the model with the migrations' snapshot: no database needed.
        var sqlite = new PlatformDatabase(PlatformDatabaseOptions.ForSqlite("unused.db"));
        var postgres = new PlatformDatabase(new PlatformDatabaseOptions { ConnectionString = "Host=localhost;Database=unused" });
        Assert.Equal(PlatformDatabaseProvider.PostgreSql, postgres.Provider);
        foreach (var database in new[] { sqlite, postgres })
        {
            using var context = database.CreateContext();
            Assert.False(context.Database.HasPendingModelChanges(), $"{database.Provider}: the model changed without a migration");
            Assert.NotEmpty(context.Database.GetMigrations());
        }

        using var sqliteContext = sqlite.CreateContext();
        using var postgresContext = postgres.CreateContext();
        Assert.All(sqliteContext.Database.GetMigrations(), m => Assert.DoesNotContain(m, postgresContext.Database.GetMigrations()));
        string sqliteScript = sqliteContext.Database.GenerateCreateScript();
        string postgresScript = postgresContext.Database.GenerateCreateScript();
        Assert.Contains("\"last_login_at\" INTEGER NULL", sqliteScript, StringComparison.Ordinal); // UTC microseconds
        Assert.Contains("last_login_at timestamp with time zone", postgresScript, StringComparison.Ordinal);
        Assert.DoesNotContain("lockout_end", sqliteScript, StringComparison.Ordinal);     // dropped with the account lockout
        Assert.Contains("ix_users_normalized_user_name", postgresScript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schema_of_a_fresh_SQLite_database_comes_from_the_migrations()
    {
        await using var store = await TestStore.CreateEmptyAsync(PlatformDatabaseProvider.Sqlite);
        PlatformDatabase database = store.Database;
        Assert.Empty(await database.GetAppliedMigrationsAsync());
        await database.MigrateAsync();
        Assert.Equal(database.GetDefinedMigrations(), await database.GetAppliedMigrationsAsync());

        await using var db = database.CreateContext();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        foreach (string table in Tables)
        {
            Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
        }

        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        await database.MigrateAsync(); // idempotent
    }

    [Theory]
    [InlineData("Data Source=/var/lib/imguard/platform.db", PlatformDatabaseProvider.Sqlite)]
    [InlineData("Host=db;Port=5432;Database=imguard;Username=platform", PlatformDatabaseProvider.PostgreSql)]
    public void The_provider_is_inferred_from_the_connection_string_unless_given(string connectionString, PlatformDatabaseProvider expected)
    {
        Assert.Equal(expected, new PlatformDatabaseOptions { ConnectionString = connectionString }.ResolveProvider());
        var other = expected == PlatformDatabaseProvider.Sqlite ? PlatformDatabaseProvider.PostgreSql : PlatformDatabaseProvider.Sqlite;
        Assert.Equal(other, new PlatformDatabaseOptions { Provider = other, ConnectionString = connectionString }.ResolveProvider());
    }

    [Fact]
    public void An_empty_connection_string_or_an_unknown_provider_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PlatformDatabase(new PlatformDatabaseOptions()));
        Assert.Throws<ArgumentException>(() => new PlatformDatabase(new PlatformDatabaseOptions { Provider = (PlatformDatabaseProvider)7, ConnectionString = "Data Source=x.db" }));
    }

    internal static async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        object? value = await command.ExecuteScalarAsync();
        return value is int i ? (long)i : value;
    }
}
