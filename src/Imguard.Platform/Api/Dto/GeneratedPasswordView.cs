namespace Imguard.Platform.Api;

/// <summary>An administrator's password reset: the new password, shown this once.</summary>
public sealed record GeneratedPasswordView(Guid UserId, string UserName, string Password);
