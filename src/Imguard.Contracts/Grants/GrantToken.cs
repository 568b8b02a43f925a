using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imguard.Contracts.Grants;

/// <summary>
/// The wire form of a <see cref="Grant"/>: <c>igg1.</c> base64url(claims JSON) <c>.</c> base64url(ECDSA P-256
/// SHA-256 signature over <c>"igg1." ‖ claims</c>, IEEE P1363 form). Signed by the platform's key, checked by a
/// party with the platform's certificate. A grant is a bearer credential for its short lifetime: it travels in the
/// <c>Authorization</c> header, never in a URL or a log line.
/// </summary>
public static class GrantToken
{
    public const string Prefix = "igg1.";

    /// <summary>Longest token accepted, checked before any parsing.</summary>
    public const int MaxLength = 4096;

    /// <summary>Clock difference between platform and party tolerated on issue and expiry times.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Signs a grant with the platform's private key.</summary>
    public static string Sign(Grant grant, ECDsa platformKey)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(platformKey);
        string claims = Base64Url(JsonSerializer.SerializeToUtf8Bytes(grant, Json));
        byte[] signature = platformKey.SignData(Encoding.ASCII.GetBytes(Prefix + claims), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return Prefix + claims + "." + Base64Url(signature);
    }

    /// <summary>
    /// Checks a token for <paramref name="party"/> and <paramref name="purpose"/>: signature by the platform's public
    /// key, version, party, purpose, issue and expiry time. Returns the grant, or null with a reason that names what
    /// failed (never echoing the token).
    /// </summary>
    public static Grant? Verify(string? token, ECDsa platformPublicKey, int party, GrantPurpose purpose, DateTimeOffset now, out string reason) =>
        Verify(token, platformPublicKey, party, purpose, now, out _, out reason);

    /// <summary>As <see cref="Verify(string?, ECDsa, int, GrantPurpose, DateTimeOffset, out string)"/>, also saying which check failed.</summary>
    public static Grant? Verify(string? token, ECDsa platformPublicKey, int party, GrantPurpose purpose, DateTimeOffset now, out GrantFailure failure, out string reason)
    {
        ArgumentNullException.ThrowIfNull(platformPublicKey);
        if (string.IsNullOrEmpty(token) || token.Length > MaxLength || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Fail(GrantFailure.Malformed, "not an IMGuard grant token", out failure, out reason);
        }
        int dot = token.IndexOf('.', Prefix.Length);
        if (dot < 0 || token.IndexOf('.', dot + 1) >= 0)
        {
            return Fail(GrantFailure.Malformed, "malformed grant token", out failure, out reason);
        }
        string claims = token[Prefix.Length..dot];
        byte[]? signature = FromBase64Url(token[(dot + 1)..]);
        byte[]? payload = FromBase64Url(claims);
        if (signature is null || payload is null)
        {
            return Fail(GrantFailure.Malformed, "malformed grant token", out failure, out reason);
        }
        if (!platformPublicKey.VerifyData(Encoding.ASCII.GetBytes(Prefix + claims), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return Fail(GrantFailure.BadSignature, "the grant's signature is not the platform's", out failure, out reason);
        }
        Grant? grant;
        try
        {
            grant = JsonSerializer.Deserialize<Grant>(payload, Json);
        }
        catch (JsonException)
        {
            grant = null;
        }
        if (grant is null || grant.Version != 1 || !IsComplete(grant))
        {
            return Fail(GrantFailure.UnsupportedClaims, "unsupported grant claims", out failure, out reason);
        }
        if (grant.Party != party)
        {
            return Fail(GrantFailure.WrongParty, $"the grant is for party {grant.Party}, not party {party}", out failure, out reason);
        }
        if (grant.Purpose != purpose)
        {
            return Fail(GrantFailure.WrongPurpose, $"the grant is for {grant.Purpose}, not {purpose}", out failure, out reason);
        }
        // Compared against now ± skew, never by shifting the claimed times: a time at either end of the calendar
        // would overflow DateTimeOffset's range and throw instead of refusing.
        if (grant.IssuedAt > now + ClockSkew)
        {
            return Fail(GrantFailure.OutsideLifetime, "the grant is issued in the future", out failure, out reason);
        }
        if (grant.ExpiresAt <= now - ClockSkew)
        {
            return Fail(GrantFailure.OutsideLifetime, "the grant has expired", out failure, out reason);
        }
        failure = GrantFailure.None;
        reason = "";
        return grant;
    }

    /// <summary>
    /// Whether the claims name everything a party relies on. The platform always fills them; a grant without them is
    /// not one this version issued, whoever signed it.
    /// </summary>
    private static bool IsComplete(Grant grant) =>
        Enum.IsDefined(grant.Purpose) && !string.IsNullOrEmpty(grant.Project) && !string.IsNullOrEmpty(grant.Resource)
        && !string.IsNullOrEmpty(grant.User) && !string.IsNullOrEmpty(grant.Nonce) && grant.MaxBytes >= 0
        && grant.IssuedAt <= grant.ExpiresAt;

    private static Grant? Fail(GrantFailure kind, string why, out GrantFailure failure, out string reason)
    {
        failure = kind;
        reason = why;
        return null;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }
        string padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => "!" };
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
        // Canonical form only: the decoder ignores the unused low bits of the last character, so without this check
        // several strings would carry one signature and one token could be rewritten into another that verifies.
        return string.Equals(Base64Url(bytes), text, StringComparison.Ordinal) ? bytes : null;
    }
}
