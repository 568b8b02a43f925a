using Imguard.Contracts.Accounts;
using Imguard.Platform.Accounts;

namespace Imguard.Platform.Data;

/// <summary>
/// Row of <c>users</c>. The user name is kept as typed for display and normalised (lower case) for uniqueness.
/// Versioned, so that two administrators demoting or disabling each other at once cannot leave no administrator;
/// the login time is updated with an atomic column update instead and never conflicts.
/// </summary>
internal sealed class UserEntity : IVersionedEntity
{
    public Guid Id { get; set; }

    public string UserName { get; set; } = "";

    public string NormalizedUserName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public GlobalRole Role { get; set; }

    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset PasswordChangedAt { get; set; }

    public DateTimeOffset? LastLoginAt { get; set; }

    /// <summary>The user's signing key (SPKI DER of ECDSA P-256), named as theirs when they receive a model; null until registered.</summary>
    public byte[]? SigningKey { get; set; }

    public DateTimeOffset? SigningKeyRegisteredAt { get; set; }

    public long Version { get; set; }
}
