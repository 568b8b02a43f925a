namespace Imguard.Audit.Tests.Storage;

/// <summary>
/// A test that needs a real PostgreSQL server: runs when <c>IMGUARD_TEST_POSTGRES</c> holds a connection string for
/// a role that may create databases (each test makes and drops its own), and is reported as skipped otherwise.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "IMGUARD_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            Skip = $"no PostgreSQL server: set {Variable} to a connection string (a role that may create databases) to run";
        }
    }

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);
}
