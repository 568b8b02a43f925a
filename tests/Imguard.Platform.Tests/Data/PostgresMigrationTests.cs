using Imguard.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Tests.Data;

public sealed class PostgresMigrationTests : IPostgresTests
{
    [ProviderFact]
    public async Task The_schema_of_a_fresh_PostgreSQL_database_comes_from_the_migrations()
    {
        await using var store = await TestStore.CreateEmptyAsync(PlatformDatabaseProvider.PostgreSql);
        PlatformDatabase database = store.Database;
        Assert.Empty(await database.GetAppliedMigrationsAsync());
        await database.MigrateAsync();
        Assert.Equal(database.GetDefinedMigrations(), await database.GetAppliedMigrationsAsync());
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        foreach (string table in MigrationTests.Tables)
        {
            Assert.Equal(1L, await MigrationTests.ScalarAsync(connection, $"SELECT count(*) FROM information_schema.tables WHERE table_name = '{table}'"));
        }
    }
}
