namespace Imguard.Platform.Accounts;

/// <summary>API token lifetimes (section <c>Platform:Accounts</c> in the host), validated at start. Failed logins are slowed by <see cref="Server.PlatformRateLimitOptions"/>.</summary>
public sealed class AccountOptions
{
    /// <summary>The lifetime of an API token created without one.</summary>
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The longest lifetime a token may be given: every token expires.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (MaxTokenLifetime <= TimeSpan.Zero || MaxTokenLifetime > TimeSpan.FromDays(3650))
        {
            throw PlatformError.BadOption(nameof(MaxTokenLifetime), "more than zero, at most ten years");
        }

        if (DefaultTokenLifetime <= TimeSpan.Zero || DefaultTokenLifetime > MaxTokenLifetime)
        {
            throw PlatformError.BadOption(nameof(DefaultTokenLifetime), "more than zero, at most MaxTokenLifetime");
        }
    }
}
