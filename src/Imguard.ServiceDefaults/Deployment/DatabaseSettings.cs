namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// Which database a role keeps its state in: <c>sqlite</c> (the embedded default; an empty connection string means
/// a file in the role's folder) or <c>postgresql</c> (production; the connection string names the server).
/// </summary>
public sealed record DatabaseSettings
{
    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    public string Provider { get; init; } = Sqlite;

    public string ConnectionString { get; init; } = "";

    /// <summary>The connection string to use, with the SQLite default filled in.</summary>
    public string ResolveConnectionString(string defaultSqliteFile) =>
        IsSqlite && string.IsNullOrWhiteSpace(ConnectionString) ? $"Data Source={defaultSqliteFile}" : ConnectionString;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsSqlite => string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase);

    internal void Validate(string where)
    {
        if (!IsSqlite && !string.Equals(Provider, PostgreSql, StringComparison.OrdinalIgnoreCase))
        {
            throw ServiceError.BadSetting($"{where}.database.provider", $"'{Provider}' is not a database provider; use '{Sqlite}' or '{PostgreSql}'.");
        }
        if (!IsSqlite && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw ServiceError.BadSetting($"{where}.database.connectionString", "PostgreSQL needs a connection string.");
        }
    }
}
