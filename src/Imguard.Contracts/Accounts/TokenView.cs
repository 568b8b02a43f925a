
namespace Imguard.Contracts.Accounts;

/// <summary>An API token as its owner sees it later: its public prefix, never the token.</summary>
public sealed record TokenView(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
