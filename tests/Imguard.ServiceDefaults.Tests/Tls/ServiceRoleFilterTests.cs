using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.ServiceDefaults.Tests.Tls;

/// <summary>
/// The role check runs before the body is bound: a caller without the role learns nothing about the body (403, not
/// 400), on single endpoints and on groups, and every refusal reaches the registered listeners.
/// </summary>
public sealed class ServiceRoleFilterTests : IAsyncLifetime
{
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private readonly RefusalCounter _refusals = new();
    private ServiceContext? _service;
    private WebApplication? _app;

    private Uri Url => _deployment.Settings.Platform.Url;

    public async Task InitializeAsync()
    {
        _service = new ServiceContext(ServiceRole.Platform, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Platform));
        WebApplicationBuilder builder = ServiceHost.CreateBuilder(_service, ClientCertificateMode.AllowCertificate);
        builder.Services.AddSingleton<IServiceRoleRefusalListener>(_refusals);
        _app = builder.Build();
        _app.UseServiceDefaults();
        _app.MapPost("/single", (Body body, HttpContext context) => $"{ServiceRoles.Name(context.CallerRole())}:{body.Value}").RequireServiceRole(ServiceRole.Party0);
        RouteGroupBuilder group = _app.MapGroup("/group").RequireServiceRole(ServiceRole.Party0);
        group.MapPost("/{id}", (string id, Body body) => $"{id}:{body.Value}");
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

    [Theory]
    [InlineData("single")]
    [InlineData("group/x")]
    public async Task A_caller_without_the_role_gets_403_whatever_the_body(string path)
    {
        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        using var anonymous = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = Url };
        using ServiceIdentity audit = _deployment.Identity(ServiceRole.Audit);
        using var wrongRole = new HttpClient(MutualTls.CreateServiceHandler(audit, ServiceRole.Platform)) { BaseAddress = Url };
        using ServiceIdentity party0 = _deployment.Identity(ServiceRole.Party0);
        using var allowed = new HttpClient(MutualTls.CreateServiceHandler(party0, ServiceRole.Platform)) { BaseAddress = Url };

        foreach (HttpClient stranger in new[] { anonymous, wrongRole })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsync(path, Json("{ not json"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsync(path, Json("{\"value\": \"ok\"}"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsync(path, new StringContent("x", Encoding.UTF8, "text/plain"))).StatusCode);
        }
        Assert.Equal(6, _refusals.Count);

        // The caller with the role gets the endpoint's own answers: 400 for a bad body, 415 for another type, 200 for a good one.
        Assert.Equal(HttpStatusCode.BadRequest, (await allowed.PostAsync(path, Json("{ not json"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await allowed.PostAsync(path, new StringContent("x", Encoding.UTF8, "text/plain"))).StatusCode);
        HttpResponseMessage ok = await allowed.PostAsJsonAsync(path, new Body("ok"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.EndsWith(":ok", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(6, _refusals.Count);
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public sealed record Body(string Value);

    private sealed class RefusalCounter : IServiceRoleRefusalListener
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Refused(HttpContext context) => Interlocked.Increment(ref _count);
    }
}
