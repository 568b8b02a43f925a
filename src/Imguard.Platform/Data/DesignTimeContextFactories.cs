using Microsoft.EntityFrameworkCore.Design;

namespace Imguard.Platform.Data;

// Used only by `dotnet ef migrations add … --context SqlitePlatformDbContext|PostgresPlatformDbContext`: building a
// migration needs the model and the provider, not a database, so the connection strings are never opened.

/// <summary>Design-time factory for the SQLite migrations.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePlatformDbContext>
{
    public SqlitePlatformDbContext CreateDbContext(string[] args) =>
        (SqlitePlatformDbContext)new PlatformDatabase(PlatformDatabaseOptions.ForSqlite("design-time.db")).CreateContext();
}

/// <summary>Design-time factory for the PostgreSQL migrations.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPlatformDbContext>
{
    public PostgresPlatformDbContext CreateDbContext(string[] args) =>
        (PostgresPlatformDbContext)new PlatformDatabase(new PlatformDatabaseOptions
        {
            Provider = PlatformDatabaseProvider.PostgreSql,
            ConnectionString = "Host=localhost;Database=imguard_platform",
        }).CreateContext();
}
