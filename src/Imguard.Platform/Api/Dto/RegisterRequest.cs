namespace Imguard.Platform.Api;

/// <summary>POST /api/auth/register.</summary>
public sealed record RegisterRequest(string? UserName, string? DisplayName, string? Password);
