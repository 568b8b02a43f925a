namespace Imguard.Platform.Server;

/// <summary>
/// Limits on requests that guess credentials or mint capabilities (ASP.NET Core rate limiting, fixed windows,
/// no queueing: a refused request gets 429 with <c>Retry-After</c>).
/// </summary>
public sealed class PlatformRateLimitOptions
{
    /// <summary>Login and token-creation attempts per client address and user name per window.</summary>
    public int LoginPermits { get; set; } = 10;

    /// <summary>The window of <see cref="LoginPermits"/>.</summary>
    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(1);

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
        CheckPermits(LoginPermits, nameof(LoginPermits));
        CheckPermits(AnonymousPermits, nameof(AnonymousPermits));
        CheckPermits(GrantPermits, nameof(GrantPermits));
        PlatformOptions.Check(LoginWindow, nameof(LoginWindow), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
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
