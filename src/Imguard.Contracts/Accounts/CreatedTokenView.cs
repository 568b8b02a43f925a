namespace Imguard.Contracts.Accounts;

/// <summary>A new API token: <c>token</c> is shown this once.</summary>
public sealed record CreatedTokenView(Guid Id, string Name, string Token, string Prefix, DateTimeOffset ExpiresAt);
