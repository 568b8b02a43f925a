namespace Imguard.Platform.Accounts;

/// <summary>The answer to a login: the status, the user on success, and a message fit to show.</summary>
public sealed record LoginResult(LoginStatus Status, UserInfo? User, string Message)
{
    /// <summary>True when the user is logged in.</summary>
    public bool Succeeded => Status == LoginStatus.Succeeded;
}
