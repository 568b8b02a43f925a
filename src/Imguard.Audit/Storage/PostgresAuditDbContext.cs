using Microsoft.EntityFrameworkCore;

namespace Imguard.Audit.Storage;

/// <summary>The audit schema on PostgreSQL (production); migrations in <c>Storage/Migrations/Postgres</c>.</summary>
internal sealed class PostgresAuditDbContext(DbContextOptions<PostgresAuditDbContext> options) : AuditDbContext(options);
