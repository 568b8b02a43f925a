using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Data;

/// <summary>
/// The platform schema on PostgreSQL (production); migrations in <c>Data/Migrations/Postgres</c>. Times are
/// <c>timestamp with time zone</c>; the services only ever write UTC values, which Npgsql requires.
/// </summary>
internal sealed class PostgresPlatformDbContext(DbContextOptions<PostgresPlatformDbContext> options) : PlatformDbContext(options);
