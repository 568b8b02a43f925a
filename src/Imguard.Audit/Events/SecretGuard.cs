namespace Imguard.Audit.Events;

/// <summary>
/// Keeps values out of the audit log. Audit events may carry ids, sizes, hashes and counts; this guard refuses
/// property names that announce a secret (token, password, share, weight, seed, ...) and strings that look like a
/// credential (bearer tokens, JWTs, PEM blocks, long base64 runs). It is a safety net against a careless call site,
/// not a proof: the rule for callers stays "log an id or a hash, never the value".
/// </summary>
public static class SecretGuard
{
    // Fragments searched for in a property name, lower-cased with '_', '-' and '.' removed. Conservative on purpose:
    // "shareCount" is refused too; such a count can be logged under a neutral name ("partCount").
    private static readonly string[] SecretKeyFragments =
    [
        "token", "passw", "passphrase", "secret", "share", "weight", "gradient", "seed", "privatekey", "apikey",
        "credential", "cookie", "bearer", "authorization", "signingkey", "mnemonic",
    ];

    /// <summary>The shortest run of base64 characters that is taken for key material unless it is plain hex.</summary>
    public const int MinimumBase64RunLength = 32;

    /// <summary>Whether a property name announces a secret (for example <c>apiToken</c>, <c>share0</c>, <c>model_weights</c>).</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<char> normalised = key.Length <= 256 ? stackalloc char[key.Length] : new char[key.Length];
        int n = 0;
        foreach (char c in key)
        {
            if (c is '_' or '-' or '.' or ' ')
            {
                continue;
            }

            normalised[n++] = char.ToLowerInvariant(c);
        }

        ReadOnlySpan<char> name = normalised[..n];
        foreach (string fragment in SecretKeyFragments)
        {
            if (name.Contains(fragment, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a string looks like a credential: an HTTP authorisation value (<c>Bearer …</c>, <c>Basic …</c>), a
    /// JWT, a PEM block, or a run of at least <see cref="MinimumBase64RunLength"/> base64 characters that mixes
    /// cases and digits and is not plain hexadecimal (hex hashes and ids are allowed).
    /// </summary>
    public static bool LooksLikeCredential(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ReadOnlySpan<char> v = value.AsSpan().Trim();
        if (v.StartsWith("bearer ", StringComparison.OrdinalIgnoreCase) ||
            v.StartsWith("basic ", StringComparison.OrdinalIgnoreCase) ||
            v.Contains("-----BEGIN", StringComparison.Ordinal) ||
            v.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            return true;
        }

        if (v.StartsWith("eyJ", StringComparison.Ordinal) && v.Count('.') >= 2)
        {
            return true; // a JWT: base64url("{\"...") header, payload, signature
        }

        int runStart = 0;
        for (int i = 0; i <= v.Length; i++)
        {
            if (i < v.Length && IsBase64Char(v[i]))
            {
                continue;
            }

            if (i - runStart >= MinimumBase64RunLength && IsKeyLikeRun(v[runStart..i]))
            {
                return true;
            }

            runStart = i + 1;
        }

        return false;
    }

    internal static void EnsureNotCredential(string value, string parameter, string what)
    {
        if (LooksLikeCredential(value))
        {
            throw AuditError.CredentialValue(parameter, what);
        }
    }

    private static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '_' or '-';

    private static bool IsKeyLikeRun(ReadOnlySpan<char> run)
    {
        bool upper = false, lower = false, digit = false, hexOnly = true;
        foreach (char c in run)
        {
            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digit |= char.IsAsciiDigit(c);
            hexOnly &= char.IsAsciiHexDigit(c) || c == '-';
        }

        // Hex (hashes, GUIDs) is allowed; so is a long lower-case slug. Mixed case with digits is key material.
        return !hexOnly && upper && lower && digit;
    }
}
