using System.Text.Json.Serialization;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Files;
using Imguard.Dealer.Api;
using Imguard.Dealer.Sessions;
using Imguard.Platform.Accounts;
using Imguard.Platform.Api;
using Imguard.Platform.AuditCopies;
using Imguard.Platform.Data;
using Imguard.Platform.Datasets;
using Imguard.Platform.Dealer;
using Imguard.Platform.Jobs;
using Imguard.Platform.Privacy;
using Imguard.Platform.Projects;
using Imguard.Platform.Security;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Health;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Platform.Server;

/// <summary>
/// The platform server (<c>imguard platform</c>): the REST API over users, projects, dataset metadata and jobs,
/// with its database migrated before it listens. Client certificates are optional in the handshake: browsers and the
/// CLI have none (they use the session cookie or an API token), the parties present theirs for <c>/internal</c>.
/// The wiring lives here; endpoints are in <c>Api/</c>, authentication, CSRF and rate limits in <c>Security/</c>.
/// </summary>
public static class PlatformServer
{
    /// <summary>The largest request body the API reads: it takes metadata only, never data.</summary>
    public const long MaxRequestBodyBytes = 1 << 20;

    /// <summary>Builds the server for a data directory's platform role, with its database migrated.</summary>
    /// <param name="service">The platform's context (settings, TLS identity).</param>
    /// <param name="args">Command-line configuration (e.g. <c>--Platform:RateLimits:LoginFreeFailures=5</c>).</param>
    /// <param name="options">Settings; when null, read from the configuration section <c>Platform</c>.</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    public static async Task<WebApplication> CreateAsync(ServiceContext service, string[]? args = null, PlatformOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        PlatformDatabase database = OpenDatabase(service.Directory, service.Settings);
        await database.MigrateAsync(cancellationToken);

        WebApplicationBuilder builder = ServiceHost.CreateBuilder(service, ClientCertificateMode.AllowCertificate, args);
        if (options is null)
        {
            options = new PlatformOptions();
            builder.Configuration.GetSection(PlatformOptions.Section).Bind(options);
        }

        options.Validate();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // Data protection warns at each start that its keys are stored unencrypted: by design here, they live in
        // platform/keys/ (folder 0700, files 0600) like the platform's TLS key; keep the warning out of every start-up.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        AddPlatformServices(builder.Services, service, database, options);

        WebApplication app = builder.Build();
        string? webRoot = PlatformWebApp.ResolveRoot(options);
        app.UseServiceDefaults();
        app.UsePlatformSecurityHeaders(PlatformWebApp.ContentSecurityPolicy(service.Settings.Parties.Select(p => p.Api.Url)));
        app.UsePlatformWebApp(webRoot);
        app.UsePlatformChallenge();
        app.UseAuthentication();
        app.UsePlatformCsrf();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        // Every user-facing endpoint refuses text with control, bidi or zero-width characters (400 naming the field).
        RouteGroupBuilder users = app.MapGroup("");
        users.RefuseUnsafeText();
        users.MapAuthApi();
        users.MapUsersApi();
        users.MapProjectsApi();
        users.MapProjectActivityApi();
        users.MapDatasetsApi();
        users.MapJobsApi();
        users.MapConsentApi();
        users.MapJobControlApi();
        users.MapAuditProxyApi();
        users.MapSystemApi();
        users.MapPrivacyReportApi();
        app.MapInternalApi();
        if (service.Settings.DealerIsSeparate)
        {
            // The dealer runs as its own service: the platform serves it the jobs' public shapes and counts, and no
            // dealer endpoint of its own (they answer 404 here).
            app.MapDealerJobsApi();
        }
        else
        {
            app.MapDealerApi();
        }
        app.MapPlatformWebApp(webRoot);
        if (webRoot is null)
        {
            app.Logger.LogInformation("No built web UI found (web/dist); the API runs without it.");
        }

        PlatformAudit audit = app.Services.GetRequiredService<PlatformAudit>();
        IHostApplicationLifetime lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => audit.Emit(AuditEventTypes.ServiceStarted, PlatformAudit.Platform));
        lifetime.ApplicationStopping.Register(() => audit.Emit(AuditEventTypes.ServiceStopped, PlatformAudit.Platform));
        return app;
    }

    /// <summary>
    /// <c>imguard init</c>'s part for the platform: migrates the database and creates the first administrator
    /// (<c>admin</c>) with a generated password, returned here only so that init prints it once. Null when the
    /// database has an administrator already (nothing is changed then).
    /// </summary>
    public static Task<GeneratedCredentials?> InitializeAsync(DataDirectory directory, DeploymentSettings settings, CancellationToken cancellationToken = default) =>
        InitializeAsync(directory, settings, new PasswordHasher(), cancellationToken);

    internal static async Task<GeneratedCredentials?> InitializeAsync(DataDirectory directory, DeploymentSettings settings, PasswordHasher hasher, CancellationToken cancellationToken)
    {
        PlatformDatabase database = OpenDatabase(directory, settings);
        await database.MigrateAsync(cancellationToken);
        Outcome<GeneratedCredentials> created = await new AccountService(database, hasher).CreateFirstAdminAsync("admin", cancellationToken);
        return created.Status switch
        {
            OutcomeStatus.Ok => created.Value,
            OutcomeStatus.Conflict => null,
            _ => throw new InvalidOperationException($"Could not create the first administrator: {created.Error}"),
        };
    }

    /// <summary>The platform database the settings name (SQLite file <c>platform/platform.db</c> by default).</summary>
    public static PlatformDatabase OpenDatabase(DataDirectory directory, DeploymentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(settings);
        DatabaseSettings configured = settings.PlatformDatabase;
        if (!configured.IsSqlite)
        {
            return new PlatformDatabase(new PlatformDatabaseOptions { Provider = PlatformDatabaseProvider.PostgreSql, ConnectionString = configured.ConnectionString });
        }

        string roleDirectory = directory.RoleDirectory(ServiceRole.Platform);
        OwnerOnly.CreateDirectory(roleDirectory);
        return new PlatformDatabase(string.IsNullOrWhiteSpace(configured.ConnectionString)
            ? PlatformDatabaseOptions.ForSqlite(Path.Combine(roleDirectory, "platform.db"))
            : new PlatformDatabaseOptions { Provider = PlatformDatabaseProvider.Sqlite, ConnectionString = configured.ConnectionString });
    }

    private static void AddPlatformServices(IServiceCollection services, ServiceContext service, PlatformDatabase database, PlatformOptions options)
    {
        TimeProvider time = options.TimeProvider ?? TimeProvider.System;
        PasswordHasher hasher = options.Hasher ?? new PasswordHasher();
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(database);
        // /health: the database (reachable, migrated) is Unhealthy when it fails; the audit server only Degraded, since
        // the platform's events wait in its outbox until the audit server is back; a separate dealer Degraded too
        // (jobs wait for it, everything else works).
        IHealthChecksBuilder health = services.AddHealthChecks()
            .AddDatabaseCheck(database)
            .AddServiceReachabilityCheck(service, ServiceRole.Audit, HealthStatus.Degraded);
        if (service.Settings.DealerIsSeparate)
        {
            health.AddServiceReachabilityCheck(service, ServiceRole.Dealer, HealthStatus.Degraded);
        }
        services.AddSingleton(hasher);
        services.AddSingleton(new AccountService(database, hasher, time));
        services.AddSingleton(new ApiTokenService(database, options.Accounts, time));
        services.AddSingleton(new ProjectService(database, time));
        services.AddSingleton(new DatasetRegistry(database, time, options.Quotas));
        services.AddSingleton(new DatasetHalfReports(database, time));
        services.AddSingleton(new DatasetDeletions(database, time));
        services.AddSingleton(new JobService(database, time));
        services.AddSingleton(new JobConsents(database, time));
        services.AddSingleton(new JobControl(database, time));
        services.AddSingleton(new SigningKeys(database, time));
        services.AddSingleton<PlatformAudit>();
        services.AddSingleton<IServiceRoleRefusalListener, ServiceRoleRefusalAudit>();
        services.AddSingleton<GrantIssuer>();
        services.AddSingleton<ServiceLinks>();
        services.AddSingleton<JobNotifier>();
        services.AddSingleton(new PublicPrivacyReport());
        services.AddSingleton<JobPrivacyReports>();
        services.AddSingleton(provider => new AuditCheckpointCopies(database, provider.GetRequiredService<ServiceLinks>().Audit,
            service.Directory.AuditVerificationKeyPath, time, provider.GetRequiredService<ILogger<AuditCheckpointCopies>>()));
        services.AddHostedService<AuditCheckpointCollector>();
        services.AddSingleton<DatasetDeletionWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<DatasetDeletionWorker>());
        // The dealer (correlated randomness for the parties), hosted here unless the deployment runs it as its own
        // service, and the runner that starts, cancels and ends jobs there.
        services.AddSingleton(provider => new PlatformDealerJobCatalog(
            provider.GetRequiredService<JobService>(), provider.GetRequiredService<DatasetRegistry>()));
        if (!service.Settings.DealerIsSeparate)
        {
            services.AddSingleton<IDealerJobCatalog>(provider => provider.GetRequiredService<PlatformDealerJobCatalog>());
            services.AddImguardDealer(options.Dealer);
        }
        services.AddSingleton<JobDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<JobDispatcher>());

        services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false)));
        services.AddOpenApi(openApi => openApi.AddSchemaTransformer(OpenApiSchemaRules.Apply));

        // Session cookies and antiforgery tokens are protected with keys that survive a restart.
        // The framework's file repository writes each key 0600 itself (Security/FileModeTests holds it to that).
        string keys = Path.Combine(service.RoleDirectory, "keys");
        OwnerOnly.CreateDirectory(keys);
        services.AddDataProtection().SetApplicationName("imguard-platform").PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddPlatformAuthentication(options);
        services.AddPlatformCsrf();
        services.AddPlatformRateLimiting(options.RateLimits);
    }
}
