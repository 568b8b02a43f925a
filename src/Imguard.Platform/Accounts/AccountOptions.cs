namespace Imguard.Platform.Accounts;

/// <summary>Login lockout and API token lifetimes (section <c>Platform:Accounts</c> in the host), validated at start.</summary>
public sealed class AccountOptions
{
    /// <summary>Consecutive failed logins that lock an account.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The lifetime of an API token created without one.</summary>
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The longest lifetime a token may be given: every token expires.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (MaxFailedLogins is < 1 or > 100)
        {
            throw PlatformError.BadOption(nameof(MaxFailedLogins), "1 to 100");
        }

        if (LockoutDuration <= TimeSpan.Zero || LockoutDuration > TimeSpan.FromDays(1))
        {
            throw PlatformError.BadOption(nameof(LockoutDuration), "more than zero, at most one day");
        }

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
