namespace Imguard.Platform.Accounts;

/// <summary>The answer to a presented token: the status and, when valid, the user and the token's id.</summary>
public sealed record TokenValidationResult(TokenValidationStatus Status, UserInfo? User, Guid? TokenId)
{
    /// <summary>True when the token authenticates <see cref="User"/>.</summary>
    public bool IsValid => Status == TokenValidationStatus.Valid;
}
