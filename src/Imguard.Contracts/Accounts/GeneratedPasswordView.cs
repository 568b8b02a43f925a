namespace Imguard.Contracts.Accounts;

/// <summary>An administrator's password reset: the new password, shown this once, and how many API tokens it revoked.</summary>
public sealed record GeneratedPasswordView(Guid UserId, string UserName, string Password, int RevokedTokens = 0);
