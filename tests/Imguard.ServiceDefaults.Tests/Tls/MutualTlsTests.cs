using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Imguard.ServiceDefaults.Tests.Tls;

/// <summary>A real Kestrel server on 127.0.0.1 with the service defaults, probed by good and bad clients.</summary>
public sealed class MutualTlsTests : IAsyncLifetime
{
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private ServiceContext? _service;
    private WebApplication? _app;

    private Uri Url => _deployment.Settings.Platform.Url;

    public async Task InitializeAsync()
    {
        _service = new ServiceContext(ServiceRole.Platform, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Platform));
        WebApplicationBuilder builder = ServiceHost.CreateBuilder(_service, ClientCertificateMode.AllowCertificate);
        _app = builder.Build();
        _app.UseServiceDefaults();
        _app.MapGet("/public", () => "hello");
        _app.MapGet("/parties-only", (HttpContext context) => ServiceRoles.Name(context.CallerRole())).RequireServiceRole(ServiceRole.Party0, ServiceRole.Party1);
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
    public async Task A_client_trusting_the_CA_reaches_the_public_endpoint_and_health()
    {
        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        using var http = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = Url };
        Assert.Equal("hello", await http.GetStringAsync("public"));
        Assert.Contains("\"role\":\"platform\"", await http.GetStringAsync("health"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_endpoints_take_the_role_from_the_client_certificate()
    {
        using ServiceIdentity party1 = _deployment.Identity(ServiceRole.Party1);
        using var asParty = new HttpClient(MutualTls.CreateServiceHandler(party1, ServiceRole.Platform)) { BaseAddress = Url };
        Assert.Equal("party-1", await asParty.GetStringAsync("parties-only"));

        using ServiceIdentity audit = _deployment.Identity(ServiceRole.Audit);
        using var asAudit = new HttpClient(MutualTls.CreateServiceHandler(audit, ServiceRole.Platform)) { BaseAddress = Url };
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await asAudit.GetAsync("parties-only")).StatusCode);

        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        using var anonymous = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = Url };
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await anonymous.GetAsync("parties-only")).StatusCode);
    }

    [Fact]
    public async Task A_client_certificate_from_another_CA_is_refused_in_the_handshake()
    {
        using CertificateAuthority stranger = CertificateAuthority.Create("Someone else's CA");
        using X509Certificate2 impostor = stranger.IssueCertificate("party-0");
        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        using var identity = new ServiceIdentity(ServiceRole.Party0, impostor, authority);
        using var http = new HttpClient(MutualTls.CreateServiceHandler(identity, ServiceRole.Platform)) { BaseAddress = Url };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync("public"));
    }

    [Fact]
    public async Task A_server_that_is_not_the_expected_role_is_refused_by_the_client()
    {
        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        using var http = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Audit)) { BaseAddress = Url };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync("public"));
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_CA_refuses_the_server()
    {
        using CertificateAuthority stranger = CertificateAuthority.Create("Someone else's CA");
        using var http = new HttpClient(MutualTls.CreateClientHandler(stranger.Certificate, ServiceRole.Platform)) { BaseAddress = Url };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync("public"));
    }

    [Fact]
    public async Task Plain_http_gets_no_answer()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Url.Port}"), Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync("public"));
    }

    [Fact]
    public async Task TLS_1_2_is_refused()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Url.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "platform",
            EnabledSslProtocols = SslProtocols.Tls12,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }));
    }
}
