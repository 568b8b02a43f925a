using Imguard.Platform.Accounts;

namespace Imguard.Platform.Server;

/// <summary>
/// The platform server's settings (configuration section <c>Platform</c>: command line
/// <c>--Platform:RateLimits:LoginFreeFailures=5</c> or environment <c>Platform__RateLimits__LoginFreeFailures=5</c>),
/// validated at start-up so a bad value stops the server with a message naming it.
/// </summary>
public sealed class PlatformOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string Section = "Platform";

    /// <summary>API token lifetimes.</summary>
    public AccountOptions Accounts { get; set; } = new();

    /// <summary>Request rate limits (login back-off, token creation, registration, grants).</summary>
    public PlatformRateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Storage quotas per user and per project, enforced when the platform registers datasets and issues upload grants.</summary>
    public Datasets.StorageQuotaOptions Quotas { get; set; } = new();

    /// <summary>Whether anyone may register an account (otherwise only the first admin exists until one is added).</summary>
    public bool OpenRegistration { get; set; } = true;

    /// <summary>A browser session ends after this long without a request (sliding expiry).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A browser session ends this long after login, however active it is.</summary>
    public TimeSpan SessionMaxLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long an upload grant lets a client upload its half to a party.</summary>
    public TimeSpan UploadGrantLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a model grant lets the owner download a model share from a party.</summary>
    public TimeSpan ModelGrantLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the deletion worker looks for datasets whose halves still have to be deleted.</summary>
    public TimeSpan DeletionPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before asking an unreachable party again; doubled per failure up to <see cref="DeletionMaxBackOff"/>.</summary>
    public TimeSpan DeletionInitialBackOff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two deletion requests to an unreachable party.</summary>
    public TimeSpan DeletionMaxBackOff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a job's event stream re-reads the job when no change was signalled in this process.</summary>
    public TimeSpan JobEventPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A job's event stream writes a <c>: keep-alive</c> comment after this long without an event, so that proxies
    /// with idle timeouts (commonly 30 to 60 s) keep the connection.
    /// </summary>
    public TimeSpan JobEventHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The built web UI (a folder holding <c>index.html</c>, e.g. <c>web/dist</c>); null to look in the default places
    /// (<see cref="PlatformWebApp.ResolveRoot"/>). A set folder without <c>index.html</c> stops the server at start.
    /// </summary>
    public string? WebRoot { get; set; }

    /// <summary>How often the platform copies new signed audit checkpoints from the audit server.</summary>
    public TimeSpan AuditCheckpointCopyInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The dealer's limits (live sessions); tests may also fix its randomness through it.</summary>
    public Imguard.Dealer.Sessions.DealerSessionsOptions? Dealer { get; set; }

    /// <summary>The password hasher; null for the production one. Tests set a fast one.</summary>
    internal PasswordHasher? Hasher { get; set; }

    /// <summary>The clock; null for the system clock. Tests may set one.</summary>
    internal TimeProvider? TimeProvider { get; set; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Accounts);
        ArgumentNullException.ThrowIfNull(RateLimits);
        ArgumentNullException.ThrowIfNull(Quotas);
        Accounts.Validate();
        RateLimits.Validate();
        Quotas.Validate();
        Check(SessionIdleTimeout, nameof(SessionIdleTimeout), TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
        Check(SessionMaxLifetime, nameof(SessionMaxLifetime), SessionIdleTimeout, TimeSpan.FromDays(90));
        Check(UploadGrantLifetime, nameof(UploadGrantLifetime), TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        Check(ModelGrantLifetime, nameof(ModelGrantLifetime), TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        Check(DeletionPollInterval, nameof(DeletionPollInterval), TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1));
        Check(DeletionInitialBackOff, nameof(DeletionInitialBackOff), TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Check(DeletionMaxBackOff, nameof(DeletionMaxBackOff), DeletionInitialBackOff, TimeSpan.FromDays(1));
        if (WebRoot is not null && !File.Exists(Path.Combine(WebRoot, "index.html")))
        {
            throw PlatformError.BadOption(nameof(WebRoot), "a folder holding the built web UI (index.html; run `npm run build` in web/)");
        }

        Check(JobEventPollInterval, nameof(JobEventPollInterval), TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));
        Check(JobEventHeartbeatInterval, nameof(JobEventHeartbeatInterval), TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(10));
        Check(AuditCheckpointCopyInterval, nameof(AuditCheckpointCopyInterval), TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1));
    }

    internal static void Check(TimeSpan value, string name, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            throw PlatformError.BadOption(name, $"{min} to {max}");
        }
    }
}
