using Xunit.Abstractions;
using Xunit.Sdk;

namespace Imguard.Platform.Tests;

/// <summary>The case reported for a provider test whose class runs on PostgreSQL when no server is configured: skipped.</summary>
public sealed class ProviderTestCase : XunitTestCase
{
    [Obsolete("For deserialization only.")]
    public ProviderTestCase()
    {
    }

    public ProviderTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay methodDisplay, TestMethodDisplayOptions methodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod)
    {
    }

    /// <summary>Why a test of this method's class cannot run here, or null when it can.</summary>
    public static string? SkipReasonFor(ITestMethod testMethod) =>
        typeof(IPostgresTests).IsAssignableFrom(testMethod.TestClass.Class.ToRuntimeType()) && ProviderFactAttribute.PostgresConnectionString is null
            ? $"no PostgreSQL server: set {ProviderFactAttribute.Variable} to a connection string (a role that may create databases) to run"
            : null;

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        SkipReasonFor(TestMethod) ?? base.GetSkipReason(factAttribute);
}
