namespace Imguard.Platform.Data;

/// <summary>Which database holds the platform's data.</summary>
public enum PlatformDatabaseProvider
{
    /// <summary>A SQLite file: the embedded default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: production.</summary>
    PostgreSql,
}
