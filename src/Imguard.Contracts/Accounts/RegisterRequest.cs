namespace Imguard.Contracts.Accounts;

/// <summary>POST /api/auth/register.</summary>
public sealed record RegisterRequest(string? UserName, string? DisplayName, string? Password);
