namespace Imguard.Audit.Storage;

/// <summary>Which database holds the audit log.</summary>
public enum AuditDatabaseProvider
{
    /// <summary>A SQLite file: the embedded default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: production.</summary>
    PostgreSql,
}
