using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Telemetry;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Imguard.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// The Prometheus-format endpoint: served on the loopback metrics listener with HTTP, runtime and our own metrics,
/// and nowhere else — not on the service's TLS port, whoever calls; and the metrics listener serves nothing else.
/// </summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private static readonly Meter TestMeter = new("Imguard.Tests.Metrics");
    private static readonly Counter<long> Work = TestMeter.CreateCounter<long>("imguard.tests.work", unit: "{item}");

    private readonly TestDeployment _deployment = TestDeployment.Create();
    private readonly int _metricsPort = TestDeployment.FreeBasePort();
    private ServiceContext? _service;
    private WebApplication? _app;

    private Uri Url => _deployment.Settings.Platform.Url;

    private Uri MetricsUrl => new($"http://127.0.0.1:{_metricsPort}/metrics");

    public async Task InitializeAsync()
    {
        _service = new ServiceContext(ServiceRole.Platform, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Platform))
        {
            Telemetry = new TelemetryOptions { MetricsListen = $"127.0.0.1:{_metricsPort}" },
        };
        _app = ServiceHost.CreateBuilder(_service, ClientCertificateMode.AllowCertificate).Build();
        _app.UseServiceDefaults();
        _app.MapGet("/api/work", () =>
        {
            Work.Add(1);
            return "done";
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _service?.Dispose();
        _deployment.Dispose();
    }

    [Fact]
    public async Task The_metrics_listener_serves_prometheus_text_with_http_runtime_and_our_instruments()
    {
        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        using var client = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = Url };
        Assert.Equal("done", await client.GetStringAsync("api/work"));

        using var scraper = new HttpClient();
        using HttpResponseMessage response = await scraper.GetAsync(MetricsUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE imguard_tests_work_total counter", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/work\"", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections", text, StringComparison.Ordinal);
        Assert.Contains("imguard-platform", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_services_tls_port_does_not_serve_metrics_to_anyone()
    {
        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        using var anonymous = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = Url };
        using ServiceIdentity party0 = _deployment.Identity(ServiceRole.Party0);
        using var service = new HttpClient(MutualTls.CreateServiceHandler(party0, ServiceRole.Platform)) { BaseAddress = Url };
        foreach (HttpClient caller in new[] { anonymous, service })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await caller.GetAsync("metrics")).StatusCode);
            // Naming the metrics port in the Host header changes nothing: the listener decides, not the request.
            using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
            request.Headers.Host = $"127.0.0.1:{_metricsPort}";
            Assert.Equal(HttpStatusCode.NotFound, (await caller.SendAsync(request)).StatusCode);
        }
    }

    [Theory]
    [InlineData("api/work")]
    [InlineData("health")]
    [InlineData("metrics/x")]
    public async Task The_metrics_listener_serves_nothing_but_metrics(string path)
    {
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_metricsPort}/") };
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.PostAsync(path, new StringContent("x"))).StatusCode);
    }
}
