using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Imguard.Audit.Storage;

// Used only by `dotnet ef migrations add … --context SqliteAuditDbContext|PostgresAuditDbContext`: building a
// migration needs the model and the provider, not a database, so the connection strings are never opened.

/// <summary>Design-time factory for the SQLite migrations.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAuditDbContext>
{
    public SqliteAuditDbContext CreateDbContext(string[] args) =>
        (SqliteAuditDbContext)new AuditDatabase(AuditDatabaseOptions.ForSqlite("design-time.db")).CreateContext();
}

/// <summary>Design-time factory for the PostgreSQL migrations.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAuditDbContext>
{
    public PostgresAuditDbContext CreateDbContext(string[] args) =>
        (PostgresAuditDbContext)new AuditDatabase(new AuditDatabaseOptions
        {
            Provider = AuditDatabaseProvider.PostgreSql,
            ConnectionString = "Host=localhost;Database=imguard_audit",
        }).CreateContext();
}
