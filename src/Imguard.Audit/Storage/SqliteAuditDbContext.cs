using Microsoft.EntityFrameworkCore;

namespace Imguard.Audit.Storage;

/// <summary>The audit schema on SQLite (the embedded default); migrations in <c>Storage/Migrations/Sqlite</c>.</summary>
internal sealed class SqliteAuditDbContext(DbContextOptions<SqliteAuditDbContext> options) : AuditDbContext(options);
