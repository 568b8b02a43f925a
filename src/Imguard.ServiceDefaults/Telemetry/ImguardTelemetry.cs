namespace Imguard.ServiceDefaults.Telemetry;

/// <summary>
/// The names under which IMGuard's own code reports: every meter and activity source named <c>Imguard.*</c> is
/// collected by <see cref="ServiceTelemetry"/>; every instrument is named <c>imguard.*</c> with a unit after
/// OpenTelemetry's conventions. Labels and span attributes never carry a value derived from anyone's data, a user or
/// project name, a dataset id or a file name; our spans carry a job's id and attempt number, which the platform
/// draws at random and which the audit log also names.
/// </summary>
public static class ImguardTelemetry
{
    /// <summary>The meters and activity sources collected (OpenTelemetry's wildcard).</summary>
    public const string Names = "Imguard.*";

    /// <summary>A party's training, peer link and uploads.</summary>
    public const string Party = "Imguard.Party";

    /// <summary>The dealer of correlated randomness.</summary>
    public const string Dealer = "Imguard.Dealer";
}
