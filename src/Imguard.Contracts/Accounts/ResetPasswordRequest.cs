namespace Imguard.Contracts.Accounts;

/// <summary>
/// POST /api/users/{id}/password (the body is optional): <c>revokeTokens</c> (default true) also revokes every API
/// token the user holds, so a reset shuts out whoever may have their credentials.
/// </summary>
public sealed record ResetPasswordRequest(bool RevokeTokens = true);
