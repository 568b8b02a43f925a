using Imguard.Platform.Security;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Deployment;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Api;

/// <summary>
/// <c>GET /api/system/health</c> (signed-in users): whether the platform, both parties and the audit server answer
/// their <c>/health</c> now, asked by the platform over its mutual-TLS links with a short timeout. It says only up or
/// not; never an address or an error text from another server.
/// </summary>
public static class SystemApi
{
    /// <summary>How long the platform waits for each service's answer.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGroup("/api/system").WithTags("System").RequireAuthorization(PlatformAuthentication.UserPolicy)
            .MapGet("/health", HealthAsync);
        return routes;
    }

    private static async Task<Ok<SystemHealthView>> HealthAsync(ServiceLinks links, CancellationToken cancellationToken)
    {
        ServiceHealthView[] others = await Task.WhenAll(
            ProbeAsync(ServiceRole.Party0, links.Party(0), cancellationToken),
            ProbeAsync(ServiceRole.Party1, links.Party(1), cancellationToken),
            ProbeAsync(ServiceRole.Audit, links.Audit, cancellationToken));
        return TypedResults.Ok(new SystemHealthView([new ServiceHealthView(ServiceRoles.Name(ServiceRole.Platform), "ok"), .. others]));
    }

    private static async Task<ServiceHealthView> ProbeAsync(ServiceRole role, HttpClient client, CancellationToken cancellationToken)
    {
        string name = ServiceRoles.Name(role);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using HttpResponseMessage response = await client.GetAsync("health", timeout.Token);
            return new ServiceHealthView(name, response.IsSuccessStatusCode ? "ok" : "error");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ServiceHealthView(name, "unreachable");
        }
    }
}

/// <summary>One service's health: <c>ok</c>, <c>error</c> (it answered with a failure) or <c>unreachable</c>.</summary>
public sealed record ServiceHealthView(string Role, string Status);

/// <summary>The platform's view of every service's health, the platform first.</summary>
public sealed record SystemHealthView(IReadOnlyList<ServiceHealthView> Services);
