using Xunit.Abstractions;
using Xunit.Sdk;

namespace Imguard.Platform.Tests;

/// <summary>Discovers <see cref="ProviderFactAttribute"/> tests: a skipped case on PostgreSQL without a server, an ordinary one otherwise.</summary>
public sealed class ProviderFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        ProviderTestCase.SkipReasonFor(testMethod) is null
            ? base.Discover(discoveryOptions, testMethod, factAttribute)
            : [new ProviderTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}
