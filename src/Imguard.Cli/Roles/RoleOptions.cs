using System.CommandLine;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Telemetry;

namespace Imguard.Cli.Roles;

/// <summary>
/// The per-host options of the role commands (<c>platform</c>, <c>party</c>, <c>audit</c>): where the role and its
/// metrics endpoint listen, its log format, its database. Each beats its
/// <c>IMGUARD_…</c> environment variable, which beats <c>imguard.json</c> (see <see cref="RoleOverrides"/>).
/// </summary>
internal static class RoleOptions
{
    public static Option<string?> Listen() => new("--listen")
    {
        Description = $"Bind here instead of the settings' address: host:port or https://host:port (e.g. 0.0.0.0:7401 behind NAT); else ${RoleOverrides.ListenVariable}. " +
            "Clients still dial the URL in imguard.json, whose host name the certificate carries.",
    };

    public static Option<string?> MetricsListen() => new("--metrics-listen")
    {
        Description = "Serve metrics in Prometheus' text format at http://HOST:PORT/metrics on this loopback address (127.0.0.1:PORT, [::1]:PORT or localhost:PORT), " +
            $"for a scraper on this host; else ${TelemetryOptions.MetricsListenVariable}; none by default. " +
            $"Metrics and traces also go to an OTLP collector when ${TelemetryOptions.OtlpEndpointVariable} is set.",
    };

    public static Option<string?> LogFormat() => new("--log-format")
    {
        Description = $"Console log format: text (default) or json (one JSON object per line); else ${TelemetryOptions.LogFormatVariable}.",
    };

    public static Option<string?> Postgres(string variable, string what) => new("--postgres")
    {
        Description = $"Keep {what} in this PostgreSQL database (a connection string) instead of the settings' database; else ${variable}.",
    };

    /// <summary>The role's overrides from its parsed options and this process's environment.</summary>
    public static RoleOverrides Resolve(ServiceRole role, ParseResult parse, Option<string?> listen, Option<string?> metricsListen, Option<string?> logFormat,
        Option<string?>? postgres = null) =>
        RoleOverrides.Resolve(role, parse.GetValue(listen), postgres is null ? null : parse.GetValue(postgres), Environment.GetEnvironmentVariable,
            parse.GetValue(metricsListen), parse.GetValue(logFormat));
}
