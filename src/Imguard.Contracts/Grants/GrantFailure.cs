namespace Imguard.Contracts.Grants;

/// <summary>
/// Why <see cref="GrantToken.Verify(string?, System.Security.Cryptography.ECDsa, int, GrantPurpose, DateTimeOffset, out GrantFailure, out string)"/>
/// refused a token: the token itself is bad (RFC 6750 <c>invalid_token</c>, 401) or it is good but not for this
/// party or use (<c>insufficient_scope</c>, 403).
/// </summary>
public enum GrantFailure
{
    /// <summary>The token was accepted.</summary>
    None,

    /// <summary>Not a grant token, or not parseable (prefix, parts, base64url, length).</summary>
    Malformed,

    /// <summary>Not signed by the platform's key.</summary>
    BadSignature,

    /// <summary>Signed, but its claims are not a grant this version understands.</summary>
    UnsupportedClaims,

    /// <summary>Issued in the future or expired (beyond the tolerated clock skew).</summary>
    OutsideLifetime,

    /// <summary>A valid grant for the other party.</summary>
    WrongParty,

    /// <summary>A valid grant for another purpose (e.g. a model download grant used for an upload).</summary>
    WrongPurpose,
}
