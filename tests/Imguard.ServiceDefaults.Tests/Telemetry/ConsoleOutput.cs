namespace Imguard.ServiceDefaults.Tests.Telemetry;

/// <summary>Tests that replace the process's console output run alone: no other test may write there meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleOutput
{
    public const string Name = "console output";
}
