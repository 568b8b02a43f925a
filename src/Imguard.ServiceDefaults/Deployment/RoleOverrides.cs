using Imguard.ServiceDefaults.Telemetry;

namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// What one host may set for the role it runs, on top of the deployment's <c>imguard.json</c>: where the role listens
/// and (platform, audit server) its PostgreSQL connection string. Each comes from a command-line option or an
/// <c>IMGUARD_…</c> environment variable; an option beats its variable, a variable beats the settings file. Addresses
/// other roles dial (the public URLs) stay in <c>imguard.json</c>: every role must agree on them and the certificates
/// carry their host names.
/// </summary>
public sealed record RoleOverrides
{
    /// <summary>The data directory (default <c>./.imguard</c>) when <c>--data-dir</c> is not given.</summary>
    public const string DataDirVariable = "IMGUARD_DATA_DIR";

    /// <summary>Where the role listens (<c>host:port</c> or <c>https://host:port</c>) when <c>--listen</c> is not given.</summary>
    public const string ListenVariable = "IMGUARD_LISTEN";

    /// <summary>The platform's PostgreSQL connection string when <c>imguard platform --postgres</c> is not given.</summary>
    public const string PlatformPostgresVariable = "IMGUARD_PLATFORM_POSTGRES";

    /// <summary>The audit log's PostgreSQL connection string when <c>imguard audit --postgres</c> is not given.</summary>
    public const string AuditPostgresVariable = "IMGUARD_AUDIT_POSTGRES";

    /// <summary>
    /// Every per-host variable a role command reads, so <c>imguard up</c> can keep them from its children (the metrics
    /// endpoint's address too: each role needs its own port).
    /// </summary>
    public static IReadOnlyList<string> Variables { get; } =
        [DataDirVariable, ListenVariable, PlatformPostgresVariable, AuditPostgresVariable, TelemetryOptions.MetricsListenVariable];

    /// <summary>The address to bind as <c>host:port</c>; null to keep the settings file's.</summary>
    public string? Listen { get; init; }

    /// <summary>The role's PostgreSQL connection string; null to keep the settings file's database.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>This host's telemetry options for the role (metrics endpoint, log format, OTLP export).</summary>
    public TelemetryOptions Telemetry { get; init; } = TelemetryOptions.None;

    /// <summary>The option if given, else the environment variable if set, else null (blank counts as not given).</summary>
    public static string? Choose(string? option, string? variable) =>
        !string.IsNullOrWhiteSpace(option) ? option.Trim() : !string.IsNullOrWhiteSpace(variable) ? variable.Trim() : null;

    /// <summary>The data directory: <paramref name="option"/>, else <see cref="DataDirVariable"/>, else <c>./.imguard</c>.</summary>
    public static string DataDirectory(string? option, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Choose(option, environment(DataDirVariable)) ?? Deployment.DataDirectory.DefaultPath;
    }

    /// <summary>Resolves the overrides of <paramref name="role"/> from its command's options and the environment.</summary>
    /// <param name="metricsListenOption"><c>--metrics-listen</c>, else <see cref="TelemetryOptions.MetricsListenVariable"/>.</param>
    /// <param name="logFormatOption"><c>--log-format</c>, else <see cref="TelemetryOptions.LogFormatVariable"/>.</param>
    public static RoleOverrides Resolve(ServiceRole role, string? listenOption, string? postgresOption, Func<string, string?> environment,
        string? metricsListenOption = null, string? logFormatOption = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? postgresVariable = role switch
        {
            ServiceRole.Platform => PlatformPostgresVariable,
            ServiceRole.Audit => AuditPostgresVariable,
            _ => null,
        };
        if (postgresVariable is null && !string.IsNullOrWhiteSpace(postgresOption))
        {
            throw ServiceError.BadSetting("postgres", $"{ServiceRoles.Name(role)} keeps no database.");
        }
        string? listen = Choose(listenOption, environment(ListenVariable));
        return new RoleOverrides
        {
            Listen = listen is null ? null : NormalizeListen(listen),
            PostgresConnectionString = postgresVariable is null ? null : Choose(postgresOption, environment(postgresVariable)),
            Telemetry = TelemetryOptions.Resolve(metricsListenOption, logFormatOption, environment),
        };
    }

    /// <summary>Turns <c>host:port</c> or <c>https://host:port</c> into <c>host:port</c>; throws on anything else.</summary>
    public static string NormalizeListen(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        string listen = value.Trim();
        if (listen.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(listen, UriKind.Absolute, out Uri? url) || url.Scheme != Uri.UriSchemeHttps || url.AbsolutePath != "/")
            {
                throw ServiceError.BadSetting("listen", $"'{value}' is not https://host:port (every IMGuard link is TLS).");
            }
            listen = $"{url.Host}:{url.Port}";
        }
        // Validates host:port the same way the settings file's value is validated.
        _ = new ServiceEndpoint { Url = new Uri("https://127.0.0.1"), Listen = listen }.ListenAddress();
        return listen;
    }

    /// <summary><paramref name="settings"/> with these overrides applied to <paramref name="role"/>, validated.</summary>
    public DeploymentSettings ApplyTo(DeploymentSettings settings, ServiceRole role)
    {
        ArgumentNullException.ThrowIfNull(settings);
        DeploymentSettings result = settings;
        if (Listen is not null)
        {
            result = role switch
            {
                ServiceRole.Platform => result with { Platform = result.Platform with { Listen = Listen } },
                ServiceRole.Audit => result with { Audit = result.Audit with { Listen = Listen } },
                ServiceRole.Dealer => result with
                {
                    Dealer = (result.Dealer ?? throw ServiceError.BadSetting("listen", "the dealer runs inside the platform in this deployment.")) with { Listen = Listen },
                },
                _ => result.WithParty(ServiceRoles.PartyId(role)!.Value, p => p with { Api = p.Api with { Listen = Listen } }),
            };
        }
        if (PostgresConnectionString is not null)
        {
            var database = new DatabaseSettings { Provider = DatabaseSettings.PostgreSql, ConnectionString = PostgresConnectionString };
            result = role switch
            {
                ServiceRole.Platform => result with { PlatformDatabase = database },
                ServiceRole.Audit => result with { AuditDatabase = database },
                _ => throw ServiceError.BadSetting("postgres", $"{ServiceRoles.Name(role)} keeps no database."),
            };
        }
        result.Validate();
        return result;
    }
}
