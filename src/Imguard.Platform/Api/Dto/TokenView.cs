using Imguard.Platform.Accounts;

namespace Imguard.Platform.Api;

/// <summary>An API token as its owner sees it later: its public prefix, never the token.</summary>
public sealed record TokenView(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static TokenView From(ApiTokenInfo token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Id, token.Name, token.Prefix, token.CreatedAt, token.ExpiresAt, token.LastUsedAt, token.RevokedAt);
    }
}
