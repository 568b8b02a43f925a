using System.Data.Common;

namespace Imguard.Platform.Data;

/// <summary>
/// Where the platform's data lives, as configuration gives it (section <c>Platform:Database</c> in the host):
/// <c>Provider</c> (<c>Sqlite</c> or <c>PostgreSql</c>) and <c>ConnectionString</c>. Without a provider, one is
/// inferred from the connection string: a <c>Host</c> key means PostgreSQL, anything else SQLite.
/// </summary>
public sealed class PlatformDatabaseOptions
{
    /// <summary>The provider; null to infer it from <see cref="ConnectionString"/>.</summary>
    public PlatformDatabaseProvider? Provider { get; set; }

    /// <summary>An ADO.NET connection string for the provider, e.g. <c>Data Source=.imguard/platform.db</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Options for a SQLite file at <paramref name="path"/>.</summary>
    public static PlatformDatabaseOptions ForSqlite(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new PlatformDatabaseOptions
        {
            Provider = PlatformDatabaseProvider.Sqlite,
            ConnectionString = new DbConnectionStringBuilder { ["Data Source"] = path }.ConnectionString,
        };
    }

    /// <summary>The provider given or inferred. Throws on an empty connection string or an unknown provider.</summary>
    public PlatformDatabaseProvider ResolveProvider()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw PlatformError.EmptyConnectionString();
        }

        if (Provider is { } provider)
        {
            if (!Enum.IsDefined(provider))
            {
                throw PlatformError.BadProvider(provider.ToString());
            }

            return provider;
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
        return builder.ContainsKey("Host") ? PlatformDatabaseProvider.PostgreSql : PlatformDatabaseProvider.Sqlite;
    }
}
