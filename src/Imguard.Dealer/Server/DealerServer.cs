using Imguard.Contracts.Audit;
using Imguard.Dealer.Api;
using Imguard.Dealer.Sessions;
using Imguard.ServiceDefaults.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Health;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Dealer.Server;

/// <summary>
/// The dealer as its own service (<c>imguard dealer</c>), for a deployment that places it outside the platform's
/// administrative domain: its own certificate and role, the same endpoints the platform otherwise hosts
/// (<see cref="DealerApi"/>, for the two parties' certificates only), <c>/health</c> (data directory, the platform and
/// the audit server reachable), and each job learned from the platform over mutual TLS
/// (<see cref="RemoteDealerJobCatalog"/>: shapes and counts only). Nothing here reads the platform's data directory or
/// database: it runs on any host with the dealer's bundle. The seeds and randomness are drawn here and go only to the
/// parties; its usage goes to the audit log under the dealer's own role.
/// </summary>
public static class DealerServer
{
    /// <summary>The actor of the dealer's own audit events.</summary>
    public const string Actor = "dealer";

    /// <summary>How often a separate dealer asks the platform whether its live jobs are over (<see cref="DealerSessionSweeper"/>).</summary>
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromSeconds(15);

    /// <param name="service">The dealer's context (settings, TLS identity); its role must be <see cref="ServiceRole.Dealer"/>.</param>
    /// <param name="args">Command-line configuration.</param>
    /// <param name="options">The dealer's limits; the audit actor is set to <see cref="Actor"/>.</param>
    /// <param name="sweepInterval">How often live jobs are checked for their end (default <see cref="DefaultSweepInterval"/>).</param>
    public static WebApplication Create(ServiceContext service, string[]? args = null, DealerSessionsOptions? options = null, TimeSpan? sweepInterval = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.Role != ServiceRole.Dealer)
        {
            throw new ArgumentException("A dealer server runs as the dealer role.", nameof(service));
        }
        if (!service.Settings.DealerIsSeparate)
        {
            throw DealerError.BadSetting("dealer",
                "this deployment's dealer runs inside the platform; give it its own address (imguard init --dealer separate or --dealer-url) to run it on its own.");
        }

        // Every caller presents a certificate of this deployment: the parties (the dealer's endpoints) and the other
        // roles' health probes; the endpoints then admit the parties' roles only.
        WebApplicationBuilder builder = ServiceHost.CreateBuilder(service, ClientCertificateMode.RequireCertificate, args);
        // /health: the platform unreachable is Degraded (live jobs go on; a new attempt waits), as is the audit server
        // (the dealer's events wait in its outbox).
        builder.Services.AddHealthChecks()
            .AddServiceReachabilityCheck(service, ServiceRole.Platform, HealthStatus.Degraded)
            .AddServiceReachabilityCheck(service, ServiceRole.Audit, HealthStatus.Degraded);
        var platform = new HttpClient(MutualTls.CreateServiceHandler(service.Identity, ServiceRole.Platform), disposeHandler: true)
        {
            BaseAddress = service.Settings.Platform.Url,
            Timeout = TimeSpan.FromSeconds(30),
        };
        builder.Services.AddSingleton<IDealerJobCatalog>(new RemoteDealerJobCatalog(platform));
        builder.Services.AddImguardDealer((options ?? new DealerSessionsOptions()) with { AuditActor = Actor });
        builder.Services.AddHostedService(provider => new DealerSessionSweeper(provider.GetRequiredService<DealerSessions>(),
            provider.GetRequiredService<IDealerJobCatalog>(), sweepInterval ?? DefaultSweepInterval, provider.GetRequiredService<ILogger<DealerSessionSweeper>>()));

        WebApplication app = builder.Build();
        app.UseServiceDefaults();
        app.MapDealerApi();
        AuditClient? audit = app.Services.GetService<AuditClient>();
        IHostApplicationLifetime lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => audit?.Emit(AuditEventTypes.ServiceStarted, Actor));
        lifetime.ApplicationStopping.Register(() => audit?.Emit(AuditEventTypes.ServiceStopped, Actor));
        lifetime.ApplicationStopped.Register(platform.Dispose);
        return app;
    }
}
