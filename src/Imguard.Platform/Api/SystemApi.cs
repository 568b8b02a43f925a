using System.Text.Json;
using Imguard.Platform.Security;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Imguard.Platform.Api;

/// <summary>
/// <c>GET /api/system/health</c> (signed-in users): the platform's own health checks, run here, and what both parties
/// and the audit server answer on their <c>/health</c> now, asked by the platform over its mutual-TLS links with a
/// short timeout. Each service's status is <c>ok</c>, <c>degraded</c>, <c>unhealthy</c> (its checks say so),
/// <c>error</c> (it answered something else than a health reply) or <c>unreachable</c>, with its checks. Never an
/// address or an exception's text: the checks' descriptions are IMGuard's own, and another server's are cut short.
/// </summary>
public static class SystemApi
{
    /// <summary>How long the platform waits for each service's answer.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    // Bounds on what another server's reply can put on the dashboard.
    private const int MaxChecks = 16;
    private const int MaxNameLength = 40;
    private const int MaxDescriptionLength = 200;

    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGroup("/api/system").WithTags("System").RequireAuthorization(PlatformAuthentication.UserPolicy)
            .MapGet("/health", HealthAsync);
        return routes;
    }

    private static async Task<Ok<SystemHealthView>> HealthAsync(ServiceLinks links, HealthCheckService checks, CancellationToken cancellationToken)
    {
        Task<ServiceHealthView>[] probes =
        [
            SelfAsync(checks, cancellationToken),
            ProbeAsync(ServiceRole.Party0, links.Party(0), cancellationToken),
            ProbeAsync(ServiceRole.Party1, links.Party(1), cancellationToken),
            ProbeAsync(ServiceRole.Audit, links.Audit, cancellationToken),
            .. links.Dealer is { } dealer ? [ProbeAsync(ServiceRole.Dealer, dealer, cancellationToken)] : Array.Empty<Task<ServiceHealthView>>(),
        ];
        return TypedResults.Ok(new SystemHealthView(await Task.WhenAll(probes)));
    }

    private static async Task<ServiceHealthView> SelfAsync(HealthCheckService checks, CancellationToken cancellationToken)
    {
        HealthReply reply = ServiceHealth.ToReply(ServiceRoles.Name(ServiceRole.Platform), await checks.CheckHealthAsync(cancellationToken));
        return new ServiceHealthView(reply.Role, reply.Status, reply.Checks);
    }

    private static async Task<ServiceHealthView> ProbeAsync(ServiceRole role, HttpClient client, CancellationToken cancellationToken)
    {
        string name = ServiceRoles.Name(role);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using HttpResponseMessage response = await client.GetAsync("health", timeout.Token);
            HealthReply? reply = await ReadReplyAsync(response, timeout.Token);
            // The status code decides between up and down; the reply's status only says which kind, when it agrees.
            string status = (response.IsSuccessStatusCode, reply?.Status) switch
            {
                (true, "ok" or "degraded") => reply!.Status,
                (false, "unhealthy") => "unhealthy",
                (true, _) => "ok",
                (false, _) => "error",
            };
            return new ServiceHealthView(name, status, Bound(reply?.Checks));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ServiceHealthView(name, "unreachable", []);
        }
    }

    private static async Task<HealthReply?> ReadReplyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<HealthReply>(await response.Content.ReadAsStreamAsync(cancellationToken), JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static HealthCheckEntry[] Bound(IReadOnlyList<HealthCheckEntry>? checks) =>
        checks is null ? [] : [.. checks.Where(c => c is { Name: not null, Status: not null }).Take(MaxChecks)
            .Select(c => new HealthCheckEntry(Cut(c.Name, MaxNameLength), Cut(c.Status, MaxNameLength), Cut(c.Description ?? "", MaxDescriptionLength)))];

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>
/// One service's health: <c>ok</c>, <c>degraded</c>, <c>unhealthy</c>, <c>error</c> (it answered with a failure but no
/// health reply) or <c>unreachable</c>; with the checks it reported (none when unreachable).
/// </summary>
public sealed record ServiceHealthView(string Role, string Status, IReadOnlyList<HealthCheckEntry> Checks);

/// <summary>The platform's view of every service's health, the platform first.</summary>
public sealed record SystemHealthView(IReadOnlyList<ServiceHealthView> Services);
