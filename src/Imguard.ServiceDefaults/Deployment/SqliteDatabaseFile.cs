using Imguard.Contracts.Files;
using Microsoft.Data.Sqlite;

namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// The SQLite file of a service's database (the platform's, the audit log's), made 0600 before SQLite first opens it:
/// SQLite would create it 0644 (less the umask), readable by every local user, and gives its -journal, -wal and -shm
/// files the database file's mode.
/// </summary>
public static class SqliteDatabaseFile
{
    /// <summary>Creates the database file of <paramref name="connectionString"/> empty and 0600 unless it exists.</summary>
    public static void CreateOwnerOnly(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        string file = builder.DataSource;
        if (builder.Mode != SqliteOpenMode.ReadWriteCreate || file.Length == 0 || file == ":memory:"
            || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(file))))
        {
            return; // in memory, opened without creating, a URI, or a folder SQLite will report missing
        }
        OwnerOnly.CreateEmptyIfMissing(file);
    }
}
