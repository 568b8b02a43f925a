namespace Imguard.Platform.Accounts;

/// <summary>
/// Why a presented API token was or was not accepted. The HTTP layer answers 401 for every status but
/// <see cref="Valid"/> and should not tell the client which; the distinction is for logs and tests.
/// </summary>
public enum TokenValidationStatus
{
    /// <summary>A live token of an active user.</summary>
    Valid,

    /// <summary>Not shaped like an IMGuard token (wrong prefix, length or characters).</summary>
    Malformed,

    /// <summary>Well-formed but not issued here (or altered).</summary>
    Unknown,

    /// <summary>Past its expiry time.</summary>
    Expired,

    /// <summary>Revoked by its owner or an administrator.</summary>
    Revoked,

    /// <summary>Its user is disabled.</summary>
    UserDisabled,
}
