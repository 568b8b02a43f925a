using System.Text.Json;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Imguard.ServiceDefaults.Health;

/// <summary>
/// Every service's <c>GET /health</c> on ASP.NET Core health checks: each role registers what it depends on (every
/// role its data directory; the platform and the audit server their database; the platform the audit server; a party
/// the platform), and the reply is a <see cref="HealthReply"/>: the role, the worst status and one entry per check.
/// Healthy and Degraded answer 200, Unhealthy 503, so <c>imguard up</c>, load balancers and the platform's
/// <c>/api/system/health</c> see a service that serves but cannot do its work.
/// </summary>
public static class ServiceHealth
{
    /// <summary>How long the database check may take before it counts as failed.</summary>
    public static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The reply's name for a status: <c>ok</c> (Healthy, as <c>/health</c> always said), <c>degraded</c>, <c>unhealthy</c>.</summary>
    public static string StatusName(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <summary>Adds health checks with the one every role has: its data directory takes writes (Unhealthy if not).</summary>
    public static IHealthChecksBuilder AddServiceHealthChecks(this IServiceCollection services, ServiceContext service)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(service);
        return services.AddHealthChecks()
            .AddCheck(DataDirectoryHealthCheck.Name, new DataDirectoryHealthCheck(service.RoleDirectory), HealthStatus.Unhealthy);
    }

    /// <summary>Adds <c>database</c>: reachable and migrated (Unhealthy if not).</summary>
    public static IHealthChecksBuilder AddDatabaseCheck(this IHealthChecksBuilder builder, IMigratedDatabase database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        return builder.AddCheck(DatabaseHealthCheck.Name, new DatabaseHealthCheck(database), HealthStatus.Unhealthy, tags: [], timeout: DatabaseTimeout);
    }

    /// <summary>Adds a check named after <paramref name="target"/>: that service answers its <c>/health</c>.</summary>
    public static IHealthChecksBuilder AddServiceReachabilityCheck(this IHealthChecksBuilder builder, ServiceContext service, ServiceRole target, HealthStatus failureStatus)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(service);
        string name = ServiceRoles.Name(target);
        // One instance for the service's lifetime (its HTTP client and its cached result), disposed with the container.
        builder.Services.AddKeyedSingleton(name, (_, _) => new ServiceReachabilityCheck(service, target));
        return builder.Add(new HealthCheckRegistration(name, provider => provider.GetRequiredKeyedService<ServiceReachabilityCheck>(name), failureStatus, tags: null));
    }

    /// <summary>Maps <c>GET /health</c> (and HEAD) to the checks, answering a <see cref="HealthReply"/>.</summary>
    public static IEndpointConventionBuilder MapServiceHealth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        string role = ServiceRoles.Name(app.Services.GetRequiredService<ServiceContext>().Role);
        return app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (context, report) => WriteAsync(context, role, report),
        }).WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
    }

    /// <summary>The reply for a report: the role, the overall status and each check, in registration order.</summary>
    public static HealthReply ToReply(string role, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new HealthReply(role, StatusName(report.Status),
            [.. report.Entries.Select(entry => new HealthCheckEntry(entry.Key, StatusName(entry.Value.Status), Describe(entry.Value)))]);
    }

    private static string Describe(HealthReportEntry entry) => entry.Exception switch
    {
        // The framework puts an exception's message in the description when a check throws or runs out of time; a
        // message can hold a path or an address, so only our own checks' descriptions go out.
        null => entry.Description ?? "",
        OperationCanceledException => "The check did not finish in time.",
        Exception e => $"The check failed ({e.GetType().Name}).",
    };

    private static Task WriteAsync(HttpContext context, string role, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, ToReply(role, report), JsonSerializerOptions.Web, context.RequestAborted);
    }
}
