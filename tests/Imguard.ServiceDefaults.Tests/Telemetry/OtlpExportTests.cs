using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Telemetry;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Imguard.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// OTLP: nothing runs unless it is configured; when it is, spans and metrics reach the collector, and the spans name
/// the route template, never the path a caller sent.
/// </summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly TestDeployment _deployment = TestDeployment.Create();

    public void Dispose() => _deployment.Dispose();

    [Fact]
    public async Task Without_an_endpoint_or_a_listener_no_telemetry_provider_runs()
    {
        using ServiceContext service = Service(TelemetryOptions.None);
        await using WebApplication app = ServiceHost.CreateBuilder(service, ClientCertificateMode.AllowCertificate).Build();
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<TracerProvider>());

        // A metrics listener alone collects metrics for it, but makes no spans: nothing would read them.
        using ServiceContext scraped = Service(new TelemetryOptions { MetricsListen = $"127.0.0.1:{TestDeployment.FreeBasePort()}" });
        await using WebApplication scrapedApp = ServiceHost.CreateBuilder(scraped, ClientCertificateMode.AllowCertificate).Build();
        Assert.NotNull(scrapedApp.Services.GetService<MeterProvider>());
        Assert.Null(scrapedApp.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task With_an_endpoint_spans_and_metrics_reach_the_collector_without_request_paths()
    {
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        int collectorPort = TestDeployment.FreeBasePort();
        WebApplicationBuilder collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.Logging.ClearProviders();
        collectorBuilder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, collectorPort));
        await using WebApplication collector = collectorBuilder.Build();
        collector.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path.Value ?? "", body.ToArray()));
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await collector.StartAsync();

        using ServiceContext service = Service(new TelemetryOptions
        {
            OtlpEndpoint = new Uri($"http://127.0.0.1:{collectorPort}"),
            OtlpProtocol = OtlpExportProtocol.HttpProtobuf,
        });
        WebApplication app = ServiceHost.CreateBuilder(service, ClientCertificateMode.AllowCertificate).Build();
        app.UseServiceDefaults();
        app.MapGet("/api/datasets/{id}", (string id) => "ok");
        await app.StartAsync();
        using (X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory))
        using (var client = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = service.Settings.Platform.Url })
        {
            Assert.Equal("ok", await client.GetStringAsync("api/datasets/owner-secret-dataset?name=holiday-photos"));
        }
        // Stopping flushes what is batched: the spans, and a last collection of the metrics.
        await app.DisposeAsync();

        byte[] traces = Concat(received.Where(r => r.Path == "/v1/traces"));
        byte[] metrics = Concat(received.Where(r => r.Path == "/v1/metrics"));
        Assert.NotEmpty(traces);
        Assert.NotEmpty(metrics);
        Assert.True(Contains(traces, "/api/datasets/{id}"), "the span names the route template");
        Assert.True(Contains(traces, "imguard-platform"), "the resource names the service");
        Assert.False(Contains(traces, "owner-secret-dataset"), "the span must not carry the request path");
        Assert.False(Contains(traces, "holiday-photos"), "the span must not carry the query string");
        Assert.True(Contains(metrics, "http.server.request.duration"));
        Assert.False(Contains(metrics, "owner-secret-dataset"));
    }

    private ServiceContext Service(TelemetryOptions telemetry) =>
        new(ServiceRole.Platform, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Platform)) { Telemetry = telemetry };

    private static byte[] Concat(IEnumerable<(string Path, byte[] Body)> requests) => [.. requests.SelectMany(r => r.Body)];

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
