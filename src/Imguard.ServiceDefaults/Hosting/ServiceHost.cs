using Imguard.Contracts.Files;
using Imguard.ServiceDefaults.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Health;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Telemetry;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imguard.ServiceDefaults.Hosting;

/// <summary>
/// What every IMGuard service shares: Kestrel on the role's endpoint with our TLS, problem details for errors, a
/// <c>/health</c> endpoint on ASP.NET Core health checks (<see cref="ServiceHealth"/>: the data directory here, each
/// role adds its dependencies), request logging that never prints query strings or headers, telemetry
/// (<see cref="ServiceTelemetry"/>: text or JSON logs, metrics and traces when configured), and (except for the audit
/// server itself) an <see cref="AuditClient"/> that delivers the service's events.
/// </summary>
public static class ServiceHost
{
    /// <summary>Creates a web application builder for <paramref name="identity"/>'s role.</summary>
    public static WebApplicationBuilder CreateBuilder(ServiceContext service, ClientCertificateMode clientCertificates, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        OwnerOnly.CreateDirectory(service.RoleDirectory);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = service.RoleDirectory,
            ApplicationName = "imguard-" + ServiceRoles.Name(service.Role),
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenOn(service.Settings.Endpoint(service.Role), service.Identity, clientCertificates);
        });
        builder.Logging.ClearProviders();
        builder.AddServiceTelemetry(service);
        // ASP.NET Core's request lines include the query string; tokens never travel there, but keep them out anyway.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.Services.AddServiceHealthChecks(service);
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton(service.Settings);
        builder.Services.AddSingleton(service.Identity);
        if (service.Role != ServiceRole.Audit)
        {
            builder.Services.AddSingleton(provider => new AuditClient(
                new HttpClient(MutualTls.CreateServiceHandler(service.Identity, ServiceRole.Audit), disposeHandler: true)
                {
                    BaseAddress = service.Settings.Audit.Url,
                    Timeout = TimeSpan.FromSeconds(15),
                },
                provider.GetRequiredService<ILogger<AuditClient>>(),
                outboxPath: Path.Combine(service.RoleDirectory, "audit-outbox.jsonl")));
            builder.Services.AddHostedService(provider => provider.GetRequiredService<AuditClient>());
        }
        return builder;
    }

    /// <summary>Adds the shared middleware and endpoints: the metrics listener's <c>/metrics</c> (first, so it serves nothing else), exception → problem details, <c>GET /health</c> (the registered checks).</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseServiceMetrics(app.Services.GetRequiredService<ServiceContext>());
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapServiceHealth();
        return app;
    }
}
