using Imguard.Audit.Storage;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Audit.Tests.Storage;

public sealed class MigrationTests
{
    [Fact]
    public async Task The_schema_of_a_fresh_SQLite_database_comes_from_the_migrations()
    {
        await using var db = TestDatabase.CreateEmpty();
        IReadOnlyList<string> defined = db.Database.GetDefinedMigrations();
        Assert.NotEmpty(defined);
        Assert.Empty(await db.Database.GetAppliedMigrationsAsync());

        await db.Database.MigrateAsync();

        Assert.Equal(defined, await db.Database.GetAppliedMigrationsAsync());
        foreach (string table in new[] { "audit_records", "audit_record_subjects", "audit_checkpoints", "__EFMigrationsHistory" })
        {
            Assert.Equal(1L, await db.ScalarAsync($"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
        }

        Assert.Equal(1L, await db.ScalarAsync("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_audit_record_subjects_subject_id'"));
        Assert.Equal("wal", await db.ScalarAsync("PRAGMA journal_mode"));

        await db.Database.MigrateAsync(); // idempotent
        Assert.Equal(defined, await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public void Each_provider_has_its_own_migrations_and_they_match_the_model()
    {
        // HasPendingModelChanges compares the model with the migrations' snapshot: no database needed.
        var sqlite = new AuditDatabase(AuditDatabaseOptions.ForSqlite("unused.db"));
        var postgres = new AuditDatabase(new AuditDatabaseOptions { ConnectionString = "Host=localhost;Database=unused" });
        Assert.Equal(AuditDatabaseProvider.PostgreSql, postgres.Provider);
        foreach (var database in new[] { sqlite, postgres })
        {
            using var context = database.CreateContext();
            Assert.False(context.Database.HasPendingModelChanges(), $"{database.Provider}: the model changed without a migration");
            Assert.NotEmpty(context.Database.GetMigrations());
        }

        using var sqliteContext = sqlite.CreateContext();
        using var postgresContext = postgres.CreateContext();
        Assert.All(sqliteContext.Database.GetMigrations(), m => Assert.DoesNotContain(m, postgresContext.Database.GetMigrations()));
        Assert.Contains("INTEGER", sqliteContext.Database.GenerateCreateScript(), StringComparison.Ordinal);
        Assert.Contains("bytea", postgresContext.Database.GenerateCreateScript(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Data Source=/var/lib/imguard/audit.db", AuditDatabaseProvider.Sqlite)]
    [InlineData("Host=db;Port=5432;Database=imguard_audit;Username=audit", AuditDatabaseProvider.PostgreSql)]
    public void The_provider_is_inferred_from_the_connection_string_unless_given(string connectionString, AuditDatabaseProvider expected)
    {
        Assert.Equal(expected, new AuditDatabaseOptions { ConnectionString = connectionString }.ResolveProvider());
        var other = expected == AuditDatabaseProvider.Sqlite ? AuditDatabaseProvider.PostgreSql : AuditDatabaseProvider.Sqlite;
        Assert.Equal(other, new AuditDatabaseOptions { Provider = other, ConnectionString = connectionString }.ResolveProvider());
    }

    [Fact]
    public void An_empty_connection_string_or_an_unknown_provider_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new AuditDatabase(new AuditDatabaseOptions()));
        Assert.Throws<ArgumentException>(() => new AuditDatabase(new AuditDatabaseOptions { Provider = (AuditDatabaseProvider)7, ConnectionString = "Data Source=x.db" }));
    }
}
