namespace Imguard.Platform.Accounts;

/// <summary>The result of checking a password against a stored hash.</summary>
public enum PasswordVerification
{
    /// <summary>Wrong password, or a stored hash that cannot be read.</summary>
    Failed,

    /// <summary>Right password, hash made with the current settings.</summary>
    Succeeded,

    /// <summary>Right password, but the hash uses an older version or fewer iterations: store a fresh hash now,
    /// while the password is at hand.</summary>
    SucceededRehashNeeded,
}
