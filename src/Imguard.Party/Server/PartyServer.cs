using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imguard.Party.Api;
using Imguard.Party.Jobs;
using Imguard.Party.PlatformLink;
using Imguard.Party.Shares;
using Imguard.ServiceDefaults.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Health;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Imguard.Party.Server;

/// <summary>
/// A compute party (<c>imguard party --id N</c>): its HTTPS API for owners' uploads (authorised by platform-signed
/// grants; clients have no certificate) and for the platform's requests (the platform's certificate), its share
/// store on local disk, its link to the platform (mutual TLS with this party's certificate) for reports and the
/// dealer, and its job runner (training on shares with the other party over the peer link).
/// </summary>
public static class PartyServer
{
    public static WebApplication Create(ServiceContext service, string[]? args = null, JobRunnerOptions? jobs = null, UploadRateLimits? uploadLimits = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        int partyId = ServiceRoles.PartyId(service.Role) ?? throw new ArgumentException("A party server runs as party-0 or party-1.", nameof(service));
        PartySettings settings = service.Settings.Parties[partyId];
        var store = new ShareStore(Path.Combine(service.RoleDirectory, "shares"), new ShareStoreOptions
        {
            MaxUploadBytes = settings.MaxUploadBytes,
            UserQuotaBytes = settings.UserQuotaBytes,
            ProjectQuotaBytes = settings.ProjectQuotaBytes,
            IncompleteUploadExpiry = settings.IncompleteUploadExpiry,
        });
        // Grants are checked with the platform's public key, read from its certificate (checked against our CA).
        using X509Certificate2 platformCertificate = DeploymentPki.LoadRoleCertificate(service.Directory, ServiceRole.Platform);
        ECDsa platformKey = platformCertificate.GetECDsaPublicKey()
            ?? throw new InvalidOperationException("The platform certificate has no ECDSA key.");

        WebApplicationBuilder builder = ServiceHost.CreateBuilder(service, ClientCertificateMode.AllowCertificate, args);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = store.Options.MaxChunkBytes + (64 << 10));
        builder.Services.AddSingleton(store);
        // /health: the platform unreachable is Degraded, not Unhealthy: uploads (grants are checked offline) still land
        // and the half reports retry. The other party's peer port is not probed: it listens only while a job runs.
        IHealthChecksBuilder health = builder.Services.AddHealthChecks().AddServiceReachabilityCheck(service, ServiceRole.Platform, HealthStatus.Degraded);
        if (service.Settings.DealerIsSeparate)
        {
            // A dealer on its own host: jobs wait for it, uploads do not (Degraded, as the platform).
            health.AddServiceReachabilityCheck(service, ServiceRole.Dealer, HealthStatus.Degraded);
        }
        (uploadLimits ?? new UploadRateLimits()).AddTo(builder.Services);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(provider => new GrantAuthorization(platformKey, partyId, provider.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(new PlatformClient(new HttpClient(MutualTls.CreateServiceHandler(service.Identity, ServiceRole.Platform))
        {
            BaseAddress = service.Settings.Platform.Url,
            Timeout = TimeSpan.FromSeconds(30),
        }));
        builder.Services.AddSingleton(provider => new DatasetStatusCheck(provider.GetRequiredService<PlatformClient>(), store,
            settings.DatasetCheckInterval, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<DatasetStatusCheck>>()));
        builder.Services.AddHostedService<UploadSweeper>();
        builder.Services.AddSingleton<HalfReporter>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<HalfReporter>());
        // Jobs: reports and dealer randomness over their own client (a dealer item can take a while to generate); the
        // dealer over one more when it runs as its own service, its role pinned so that the platform cannot stand in.
        builder.Services.AddSingleton(jobs ?? JobRunnerOptions.From(builder.Configuration));
        builder.Services.AddSingleton(provider => new JobRunner(service, store,
            new HttpClient(MutualTls.CreateServiceHandler(service.Identity, ServiceRole.Platform))
            {
                BaseAddress = service.Settings.Platform.Url,
                Timeout = TimeSpan.FromMinutes(10),
            },
            provider.GetRequiredService<JobRunnerOptions>(), provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<JobRunner>>(),
            provider.GetRequiredService<TimeProvider>(),
            service.Settings.Dealer is { } dealer
                ? new HttpClient(MutualTls.CreateServiceHandler(service.Identity, ServiceRole.Dealer)) { BaseAddress = dealer.Url, Timeout = TimeSpan.FromMinutes(10) }
                : null,
            provider.GetRequiredService<AuditClient>()));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<JobRunner>());
        WebApplication app = builder.Build();
        app.UseServiceDefaults();
        app.UsePartyCors(service.Settings);
        app.UseRateLimiter();
        app.MapUploadsApi();
        app.MapInternalDatasetsApi();
        app.MapJobsApi();
        app.MapModelsApi();
        return app;
    }
}
