using System.Net;
using System.Security.Cryptography.X509Certificates;
using Imguard.Party.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;

namespace Imguard.Party.Tests.Api;

/// <summary>
/// The browser's cross-origin access to party 0 (real TLS): the platform's origin and the configured extra origin may
/// preflight and call the uploads, models and health endpoints; any other origin, or any other endpoint, gets no
/// Access-Control-Allow-Origin.
/// </summary>
public sealed class PartyCorsTests : IAsyncLifetime
{
    private const string ExtraOrigin = "https://imguard.example.org";
    private readonly TestDeployment _deployment = TestDeployment.Create(s => s with { BrowserOrigins = [new Uri(ExtraOrigin)] });
    private StubPlatform? _platform;
    private ServiceContext? _service;
    private WebApplication? _party;

    private string PlatformOrigin => _deployment.Settings.Platform.Url.GetLeftPart(UriPartial.Authority);

    public async Task InitializeAsync()
    {
        _platform = await StubPlatform.StartAsync(_deployment);
        _service = new ServiceContext(ServiceRoles.Party(0), _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRoles.Party(0)));
        _party = PartyServer.Create(_service);
        await _party.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _party!.DisposeAsync();
        _service!.Dispose();
        await _platform!.DisposeAsync();
        _deployment.Dispose();
    }

    private HttpClient Client()
    {
        X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        return new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRoles.Party(0))) { BaseAddress = _deployment.Settings.Parties[0].Api.Url };
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string origin, string method = "PUT",
        string headers = "authorization,content-type,x-chunk-sha256")
    {
        using HttpClient http = Client();
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await http.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? string.Join(",", values) : null;

    [Fact]
    public async Task A_preflight_from_the_platform_origin_is_allowed_for_chunk_uploads()
    {
        using HttpResponseMessage response = await PreflightAsync("/api/uploads/up-1/chunks/0", PlatformOrigin);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(PlatformOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("PUT", Header(response, "Access-Control-Allow-Methods")!, StringComparison.Ordinal);
        string allowed = Header(response, "Access-Control-Allow-Headers")!.ToLowerInvariant();
        Assert.All(new[] { "authorization", "content-type", "x-chunk-sha256" }, h => Assert.Contains(h, allowed, StringComparison.Ordinal));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task The_configured_browser_origin_may_preflight_model_downloads()
    {
        using HttpResponseMessage response = await PreflightAsync("/api/models/job-1/share", ExtraOrigin, "GET");

        Assert.Equal(ExtraOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_browser_may_send_a_signed_model_request_and_ask_for_its_challenge()
    {
        const string signed = "authorization,x-imguard-key,x-imguard-challenge,x-imguard-signature";
        using HttpResponseMessage download = await PreflightAsync("/api/models/job-1/share", PlatformOrigin, "GET", signed);
        using HttpResponseMessage challenge = await PreflightAsync("/api/models/job-1/share/challenge", PlatformOrigin, "POST", "authorization");

        Assert.Equal(PlatformOrigin, Header(download, "Access-Control-Allow-Origin"));
        string allowed = Header(download, "Access-Control-Allow-Headers")!.ToLowerInvariant();
        Assert.All(signed.Split(','), h => Assert.Contains(h, allowed, StringComparison.Ordinal));
        Assert.Equal(PlatformOrigin, Header(challenge, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(challenge, "Access-Control-Allow-Methods")!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/uploads/", "https://evil.example")]
    [InlineData("/api/uploads/up-1/chunks/0", "https://127.0.0.1:1")]
    [InlineData("/health", "http://localhost:5173")]
    public async Task A_preflight_from_another_origin_gets_no_allow_origin(string path, string origin)
    {
        using HttpResponseMessage response = await PreflightAsync(path, origin);

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task Internal_endpoints_get_no_CORS_even_from_the_platform_origin()
    {
        using HttpResponseMessage response = await PreflightAsync("/internal/jobs/job-1/start", PlatformOrigin, "POST");

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_health_check_from_the_platform_origin_carries_the_allow_origin_header()
    {
        using HttpClient http = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("Origin", PlatformOrigin);
        using HttpResponseMessage response = await http.SendAsync(request);
        using var other = new HttpRequestMessage(HttpMethod.Get, "/health");
        other.Headers.Add("Origin", "https://evil.example");
        using HttpResponseMessage refused = await http.SendAsync(other);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PlatformOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(refused, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_refusal_carries_the_allow_origin_header_so_the_page_can_read_the_reason()
    {
        using HttpClient http = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/uploads/")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { datasetId = "ds-0123456789abcdef", totalBytes = 1000 }),
        };
        request.Headers.Add("Origin", PlatformOrigin);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-grant");
        using HttpResponseMessage response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(PlatformOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public void Origins_are_the_platform_url_and_the_configured_extras_only()
    {
        Assert.Equal([PlatformOrigin, ExtraOrigin], PartyCors.Origins(_deployment.Settings));
    }
}
