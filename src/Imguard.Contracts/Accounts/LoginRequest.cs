namespace Imguard.Contracts.Accounts;

/// <summary>POST /api/auth/login.</summary>
public sealed record LoginRequest(string? UserName, string? Password);
