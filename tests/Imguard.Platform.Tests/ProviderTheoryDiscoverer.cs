using Xunit.Abstractions;
using Xunit.Sdk;

namespace Imguard.Platform.Tests;

/// <summary>Discovers <see cref="ProviderTheoryAttribute"/> tests: one skipped case on PostgreSQL without a server, the data rows otherwise.</summary>
public sealed class ProviderTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        ProviderTestCase.SkipReasonFor(testMethod) is null
            ? base.Discover(discoveryOptions, testMethod, theoryAttribute)
            : [new ProviderTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}
