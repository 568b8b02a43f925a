using System.Data.Common;

namespace Imguard.Audit.Storage;

/// <summary>
/// Where the audit log lives, as configuration gives it (section <c>Audit:Database</c> in a later host):
/// <c>Provider</c> (<c>Sqlite</c> or <c>PostgreSql</c>) and <c>ConnectionString</c>. Without a provider, one is
/// inferred from the connection string: a <c>Host</c> key means PostgreSQL, anything else SQLite.
/// </summary>
public sealed class AuditDatabaseOptions
{
    /// <summary>The provider; null to infer it from <see cref="ConnectionString"/>.</summary>
    public AuditDatabaseProvider? Provider { get; set; }

    /// <summary>An ADO.NET connection string for the provider, e.g. <c>Data Source=/var/lib/imguard/audit.db</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Options for a SQLite file at <paramref name="path"/>.</summary>
    public static AuditDatabaseOptions ForSqlite(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new AuditDatabaseOptions
        {
            Provider = AuditDatabaseProvider.Sqlite,
            ConnectionString = new DbConnectionStringBuilder { ["Data Source"] = path }.ConnectionString,
        };
    }

    /// <summary>The provider given or inferred. Throws on an empty connection string.</summary>
    public AuditDatabaseProvider ResolveProvider()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw AuditError.Empty(nameof(ConnectionString), "audit database connection string");
        }

        if (Provider is { } provider)
        {
            if (!Enum.IsDefined(provider))
            {
                throw AuditError.BadProvider(provider.ToString());
            }

            return provider;
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
        return builder.ContainsKey("Host") ? AuditDatabaseProvider.PostgreSql : AuditDatabaseProvider.Sqlite;
    }
}
