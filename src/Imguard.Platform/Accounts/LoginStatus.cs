namespace Imguard.Platform.Accounts;

/// <summary>How a password check ended; the HTTP layer answers 200, 401 or 403 (429 comes from the back-off, before any check).</summary>
public enum LoginStatus
{
    /// <summary>Right user name and password, active account.</summary>
    Succeeded,

    /// <summary>Unknown user name or wrong password (deliberately not told apart).</summary>
    InvalidCredentials,

    /// <summary>Right password, but an administrator disabled the account.</summary>
    Disabled,
}
