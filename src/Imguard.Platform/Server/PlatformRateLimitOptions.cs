namespace Imguard.Platform.Server;

/// <summary>
/// Limits on requests that guess credentials or mint capabilities: the password back-off per user name and client
/// address (<see cref="Security.LoginBackoff"/>) and ASP.NET Core rate limiting (fixed windows, no queueing). A refused
/// request gets 429 with <c>Retry-After</c>.
/// </summary>
public sealed class PlatformRateLimitOptions
{
    /// <summary>
    /// Failed password checks for one user name from one client address that cost nothing; each further one doubles
    /// the wait before the next check from that address (<see cref="LoginBackOffBase"/>, at most
    /// <see cref="LoginBackOffMax"/>). Other addresses are not affected.
    /// </summary>
    public int LoginFreeFailures { get; set; } = 3;

    /// <summary>The wait after the first failure beyond <see cref="LoginFreeFailures"/>; doubled per further failure.</summary>
    public TimeSpan LoginBackOffBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two password checks for one user name from one address.</summary>
    public TimeSpan LoginBackOffMax { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long failures are remembered: an address whose last failure for a name is older starts afresh.</summary>
    public TimeSpan LoginFailureMemory { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Failures for one user name from all addresses together (within <see cref="LoginFailureMemory"/>) beyond which
    /// the name is taken to be under attack from many addresses: every address then waits after its first failure
    /// (no free failures). An address's first attempt is still checked at once, so the owner is never shut out.
    /// </summary>
    public int AccountFailureThreshold { get; set; } = 50;

    /// <summary>How many (user name, address) pairs are remembered at most; the oldest are forgotten first.</summary>
    public int LoginTrackedPairs { get; set; } = 100_000;

    /// <summary>Requests to the anonymous account endpoints (register, login, token creation) per client address per window, whatever the user name.</summary>
    public int AnonymousPermits { get; set; } = 60;

    /// <summary>The window of <see cref="AnonymousPermits"/>.</summary>
    public TimeSpan AnonymousWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Grant-issuing requests (dataset registration, upload and model grants) per user per window.</summary>
    public int GrantPermits { get; set; } = 30;

    /// <summary>The window of <see cref="GrantPermits"/>.</summary>
    public TimeSpan GrantWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (LoginFreeFailures is < 0 or > 100)
        {
            throw PlatformError.BadOption(nameof(LoginFreeFailures), "0 to 100");
        }

        CheckPermits(AccountFailureThreshold, nameof(AccountFailureThreshold));
        CheckPermits(LoginTrackedPairs, nameof(LoginTrackedPairs));
        PlatformOptions.Check(LoginBackOffBase, nameof(LoginBackOffBase), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        PlatformOptions.Check(LoginBackOffMax, nameof(LoginBackOffMax), LoginBackOffBase, TimeSpan.FromDays(1));
        PlatformOptions.Check(LoginFailureMemory, nameof(LoginFailureMemory), LoginBackOffMax, TimeSpan.FromDays(7));
        CheckPermits(AnonymousPermits, nameof(AnonymousPermits));
        CheckPermits(GrantPermits, nameof(GrantPermits));
        PlatformOptions.Check(AnonymousWindow, nameof(AnonymousWindow), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        PlatformOptions.Check(GrantWindow, nameof(GrantWindow), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
    }

    private static void CheckPermits(int value, string name)
    {
        if (value is < 1 or > 1_000_000)
        {
            throw PlatformError.BadOption(name, "1 to 1,000,000");
        }
    }
}
