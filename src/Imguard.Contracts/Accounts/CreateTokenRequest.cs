namespace Imguard.Contracts.Accounts;

/// <summary>POST /api/auth/tokens: the CLI's login; the token lives <c>lifetimeDays</c> (default: the platform's default lifetime).</summary>
public sealed record CreateTokenRequest(string? UserName, string? Password, string? Name, int? LifetimeDays);
