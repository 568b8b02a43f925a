namespace Imguard.Platform.Accounts;

/// <summary>How a login ended; the HTTP layer answers 200, 401, 423/429 or 403.</summary>
public enum LoginStatus
{
    /// <summary>Right user name and password, active account.</summary>
    Succeeded,

    /// <summary>Unknown user name or wrong password (deliberately not told apart).</summary>
    InvalidCredentials,

    /// <summary>Too many failed logins: refused until <see cref="LoginResult.LockoutEnd"/>, even with the right password.</summary>
    LockedOut,

    /// <summary>Right password, but an administrator disabled the account.</summary>
    Disabled,
}
