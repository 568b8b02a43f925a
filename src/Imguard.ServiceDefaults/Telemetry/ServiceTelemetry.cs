using System.Net;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Imguard.ServiceDefaults.Telemetry;

/// <summary>
/// Telemetry for every IMGuard service, set up by <see cref="ServiceHost"/> from the host's
/// <see cref="TelemetryOptions"/>: the console log as text or JSON lines; and, only when something reads them, the
/// OpenTelemetry SDK with ASP.NET Core's and HttpClient's metrics and spans, the runtime's metrics and our own
/// (<see cref="ImguardTelemetry.Names"/>). Metrics are served in Prometheus' text format at <c>/metrics</c> on a
/// separate plain-HTTP listener bound to a loopback address (<see cref="TelemetryOptions.MetricsListen"/>) and nowhere
/// else: that listener serves nothing but <c>/metrics</c>, and the service's TLS port does not serve <c>/metrics</c>.
/// Metrics and traces go to an OTLP collector when <see cref="TelemetryOptions.OtlpEndpoint"/> is set; spans lose
/// their paths and user agents first (<see cref="SpanScrubber"/>).
/// </summary>
public static class ServiceTelemetry
{
    /// <summary>The scrape path on the metrics listener.</summary>
    public const string MetricsPath = "/metrics";

    // Set on every connection accepted by the metrics listener, so requests are told apart by the listener that took
    // them and never by anything the caller sends (a Host header names any port it likes).
    private const string MetricsConnectionKey = "imguard.metrics-listener";

    /// <summary>Adds the log format, the metrics listener and the OpenTelemetry SDK as <paramref name="service"/>'s options say.</summary>
    internal static void AddServiceTelemetry(this WebApplicationBuilder builder, ServiceContext service)
    {
        TelemetryOptions options = service.Telemetry;
        AddConsoleLog(builder.Logging, options.LogFormat);
        if (options.MetricsListen is not null)
        {
            (IPAddress? address, int port) = options.MetricsAddress();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                if (address is null)
                {
                    kestrel.ListenLocalhost(port, MarkMetricsListener);
                }
                else
                {
                    kestrel.Listen(address, port, MarkMetricsListener);
                }
            });
        }
        if (!options.Enabled)
        {
            return;
        }
        string serviceName = "imguard-" + ServiceRoles.Name(service.Role);
        OpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: typeof(ServiceTelemetry).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation().AddMeter(ImguardTelemetry.Names);
                if (options.MetricsListen is not null)
                {
                    metrics.AddPrometheusExporter();
                }
                if (options.OtlpEndpoint is { } endpoint)
                {
                    metrics.AddOtlpExporter(otlp => ConfigureOtlp(otlp, endpoint, options.OtlpProtocol, "v1/metrics"));
                }
            });
        // Spans are only ever exported over OTLP: without a collector none are made.
        if (options.OtlpEndpoint is { } traces)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context =>
                    !IsOnMetricsListener(context) && !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation()
                .AddSource(ImguardTelemetry.Names)
                .AddProcessor(new SpanScrubber())
                .AddOtlpExporter(otlp => ConfigureOtlp(otlp, traces, options.OtlpProtocol, "v1/traces")));
        }
    }

    /// <summary>
    /// Answers <c>GET /metrics</c> on the metrics listener and refuses (404) anything else there; call before any
    /// other middleware, so no API endpoint is ever served over the plain-HTTP listener.
    /// </summary>
    internal static void UseServiceMetrics(this WebApplication app, ServiceContext service)
    {
        if (service.Telemetry.MetricsListen is null)
        {
            return;
        }
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => IsOnMetricsListener(context) && context.Request.Path == MetricsPath);
        app.Use((context, next) =>
        {
            if (IsOnMetricsListener(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
    }

    private static void MarkMetricsListener(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1;
        listen.Use(next => connection =>
        {
            connection.Items[MetricsConnectionKey] = MetricsConnectionKey;
            return next(connection);
        });
    }

    private static bool IsOnMetricsListener(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(MetricsConnectionKey) == true;

    private static void AddConsoleLog(ILoggingBuilder logging, LogFormat format)
    {
        if (format == LogFormat.Json)
        {
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });
        }
    }

    // Set in code, so OpenTelemetry's own reading of the variables does not add the signal's path for HTTP: do it here.
    private static void ConfigureOtlp(OtlpExporterOptions otlp, Uri endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        otlp.Protocol = protocol;
        otlp.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }
}
