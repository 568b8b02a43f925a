using Xunit.Sdk;

namespace Imguard.Platform.Tests;

/// <summary>The theory form of <see cref="ProviderFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Imguard.Platform.Tests.ProviderTheoryDiscoverer", "Imguard.Platform.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProviderTheoryAttribute : TheoryAttribute;
