using System.Net;
using OpenTelemetry.Exporter;

namespace Imguard.ServiceDefaults.Telemetry;

/// <summary>
/// What one host sets for a service's telemetry (<see cref="ServiceTelemetry"/>): the loopback address of its
/// Prometheus-format metrics endpoint, the console log format, and the OTLP collector its metrics and traces go to.
/// Each comes from a command-line option or an environment variable (the OTLP ones are OpenTelemetry's standard
/// variables); unset, a service exports nothing and runs no telemetry work in the background.
/// </summary>
public sealed record TelemetryOptions
{
    /// <summary>Where the metrics endpoint listens (<c>127.0.0.1:PORT</c>, <c>[::1]:PORT</c> or <c>localhost:PORT</c>) when <c>--metrics-listen</c> is not given.</summary>
    public const string MetricsListenVariable = "IMGUARD_METRICS_LISTEN";

    /// <summary><c>text</c> or <c>json</c> when <c>--log-format</c> is not given.</summary>
    public const string LogFormatVariable = "IMGUARD_LOG_FORMAT";

    /// <summary>OpenTelemetry's standard variable: the collector's base URL; OTLP export is on only when it is set.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>OpenTelemetry's standard variable: <c>grpc</c> (the default) or <c>http/protobuf</c>.</summary>
    public const string OtlpProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>No metrics endpoint, no export, text logs: what a service does when nothing is configured.</summary>
    public static TelemetryOptions None { get; } = new();

    /// <summary>The metrics endpoint's loopback address as <c>host:port</c>; null for none.</summary>
    public string? MetricsListen { get; init; }

    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>The OTLP collector's base URL; null exports nothing.</summary>
    public Uri? OtlpEndpoint { get; init; }

    public OtlpExportProtocol OtlpProtocol { get; init; } = OtlpExportProtocol.Grpc;

    /// <summary>Whether the OpenTelemetry SDK runs at all: only when something reads what it collects.</summary>
    public bool Enabled => MetricsListen is not null || OtlpEndpoint is not null;

    /// <summary>The options from a role command's options (null when not given) and the environment; throws on a bad value.</summary>
    public static TelemetryOptions Resolve(string? metricsListenOption, string? logFormatOption, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? metrics = Choose(metricsListenOption, environment(MetricsListenVariable));
        string? format = Choose(logFormatOption, environment(LogFormatVariable));
        string? endpoint = Choose(null, environment(OtlpEndpointVariable));
        string? protocol = Choose(null, environment(OtlpProtocolVariable));
        return new TelemetryOptions
        {
            MetricsListen = metrics is null ? null : NormalizeMetricsListen(metrics),
            LogFormat = format is null ? LogFormat.Text : ParseLogFormat(format),
            OtlpEndpoint = endpoint is null ? null : ParseOtlpEndpoint(endpoint),
            OtlpProtocol = protocol is null ? OtlpExportProtocol.Grpc : ParseOtlpProtocol(protocol),
        };
    }

    /// <summary>
    /// Checks that <paramref name="value"/> (<c>host:port</c>) is a loopback address: the metrics endpoint is plain HTTP
    /// and answers anyone who reaches it, so it never binds an address other hosts can reach.
    /// </summary>
    public static string NormalizeMetricsListen(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        string listen = value.Trim();
        int colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
        {
            throw ServiceError.BadSetting("metrics-listen", $"'{value}' is not host:port.");
        }
        string host = listen[..colon].Trim('[', ']');
        bool loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address));
        if (!loopback)
        {
            throw ServiceError.BadSetting("metrics-listen", $"'{value}' is not a loopback address: the metrics endpoint is plain HTTP for a scraper on this host " +
                "(127.0.0.1, [::1] or localhost); export to a remote collector over OTLP instead.");
        }
        return listen;
    }

    /// <summary>The metrics endpoint's address to bind: null for <c>localhost</c> (both loopback addresses), and its port.</summary>
    public (IPAddress? Address, int Port) MetricsAddress()
    {
        if (MetricsListen is null)
        {
            throw new InvalidOperationException("No metrics endpoint is configured.");
        }
        int colon = MetricsListen.LastIndexOf(':');
        string host = MetricsListen[..colon].Trim('[', ']');
        int port = int.Parse(MetricsListen.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        return (IPAddress.TryParse(host, out IPAddress? address) ? address : null, port);
    }

    private static LogFormat ParseLogFormat(string value) => value.ToUpperInvariant() switch
    {
        "TEXT" => LogFormat.Text,
        "JSON" => LogFormat.Json,
        _ => throw ServiceError.BadSetting("log-format", $"'{value}' is neither 'text' nor 'json'."),
    };

    private static Uri ParseOtlpEndpoint(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw ServiceError.BadSetting(OtlpEndpointVariable, "it is not an absolute http:// or https:// URL.");

    private static OtlpExportProtocol ParseOtlpProtocol(string value) => value.ToUpperInvariant() switch
    {
        "GRPC" => OtlpExportProtocol.Grpc,
        "HTTP/PROTOBUF" => OtlpExportProtocol.HttpProtobuf,
        _ => throw ServiceError.BadSetting(OtlpProtocolVariable, $"'{value}' is neither 'grpc' nor 'http/protobuf'."),
    };

    private static string? Choose(string? option, string? variable) =>
        !string.IsNullOrWhiteSpace(option) ? option.Trim() : !string.IsNullOrWhiteSpace(variable) ? variable.Trim() : null;
}
