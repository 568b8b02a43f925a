using System.Collections.Concurrent;
using Imguard.Contracts.Datasets;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Imguard.Party.Tests.Api;

/// <summary>
/// A stand-in for the platform's two internal dataset endpoints (unit-test fake, real TLS): records the halves the
/// party reports and answers registrations from a table the test fills.
/// </summary>
internal sealed class StubPlatform : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServiceContext _service;

    private StubPlatform(WebApplication app, ServiceContext service)
    {
        _app = app;
        _service = service;
    }

    public ConcurrentQueue<(string Dataset, string Party, HalfReport Report)> Reports { get; } = new();

    public ConcurrentDictionary<string, PartyDatasetView> Registrations { get; } = new();

    /// <summary>What the platform answers a half report with (the dataset after it); no body when absent.</summary>
    public ConcurrentDictionary<string, PartyDatasetView> ReportReplies { get; } = new();

    public static async Task<StubPlatform> StartAsync(TestDeployment deployment)
    {
        var service = new ServiceContext(ServiceRole.Platform, deployment.Directory, deployment.Settings, deployment.Identity(ServiceRole.Platform));
        WebApplication app = ServiceHost.CreateBuilder(service, ClientCertificateMode.AllowCertificate).Build();
        app.UseServiceDefaults();
        StubPlatform? stub = null;
        app.MapPost("/internal/datasets/{id}/halves", (string id, HalfReport report, HttpContext context) =>
        {
            stub!.Reports.Enqueue((id, ServiceRoles.Name(context.CallerRole()), report));
            return stub.ReportReplies.TryGetValue(id, out PartyDatasetView? after) ? Results.Ok(after) : Results.Ok();
        }).RequireServiceRole(ServiceRole.Party0, ServiceRole.Party1);
        app.MapGet("/internal/datasets/{id}", (string id) =>
            stub!.Registrations.TryGetValue(id, out PartyDatasetView? view) ? Results.Ok(view) : Results.NotFound())
            .RequireServiceRole(ServiceRole.Party0, ServiceRole.Party1);
        stub = new StubPlatform(app, service);
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _service.Dispose();
    }
}
