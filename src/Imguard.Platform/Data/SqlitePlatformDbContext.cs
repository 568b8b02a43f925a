using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Data;

/// <summary>
/// The platform schema on SQLite (the embedded default); migrations in <c>Data/Migrations/Sqlite</c>. SQLite has no
/// timestamp type and EF cannot compare or order <see cref="DateTimeOffset"/> stored as text, so times are stored
/// as UTC microseconds since 1970 (<see cref="UtcMicrosecondsConverter"/>): lockout and expiry checks run in SQL.
/// </summary>
internal sealed class SqlitePlatformDbContext(DbContextOptions<SqlitePlatformDbContext> options) : PlatformDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcMicrosecondsConverter>();
    }
}
