using Xunit.Sdk;

namespace Imguard.Platform.Tests;

/// <summary>
/// A test written once in a provider-parameterised base class (<see cref="PlatformTestBase"/>) and run by each
/// concrete subclass: always on SQLite, and on PostgreSQL when <c>IMGUARD_TEST_POSTGRES</c> holds a connection string
/// for a role that may create databases (each test makes and drops its own); otherwise the PostgreSQL copies are
/// reported as skipped.
/// </summary>
[XunitTestCaseDiscoverer("Imguard.Platform.Tests.ProviderFactDiscoverer", "Imguard.Platform.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProviderFactAttribute : FactAttribute
{
    public const string Variable = "IMGUARD_TEST_POSTGRES";

    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
}
