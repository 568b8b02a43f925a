using Imguard.Contracts.Accounts;

namespace Imguard.Platform.Accounts;

/// <summary>What the platform shows about a user (never the password hash).</summary>
public sealed record UserInfo(
    Guid Id,
    string UserName,
    string DisplayName,
    GlobalRole Role,
    bool IsDisabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastLoginAt)
{
    /// <summary>When the password was last set: a session issued before it is no longer valid.</summary>
    public DateTimeOffset PasswordChangedAt { get; init; }
}
