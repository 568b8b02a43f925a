namespace Imguard.Platform.Accounts;

/// <summary>What the platform shows about an API token: never the token, only its public prefix.</summary>
public sealed record ApiTokenInfo(
    Guid Id,
    Guid UserId,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt);
