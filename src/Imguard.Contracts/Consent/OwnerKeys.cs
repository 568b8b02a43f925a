using System.Security.Cryptography;

namespace Imguard.Contracts.Consent;

/// <summary>
/// Owners' and recipients' public keys: ECDSA on P-256, carried as SubjectPublicKeyInfo DER — the form Web Crypto
/// exports (<c>exportKey('spki')</c>) and .NET imports, so a key made in a browser and one made by the CLI look alike.
/// </summary>
public static class OwnerKeys
{
    /// <summary>An SPKI of a P-256 key is 91 bytes; anything far larger is not one (bounds what a header or request may carry).</summary>
    public const int MaxEncodedLength = 256;

    /// <summary>Null when <paramref name="spki"/> is the SubjectPublicKeyInfo of an ECDSA P-256 public key, otherwise why not.</summary>
    public static string? Check(ReadOnlySpan<byte> spki)
    {
        if (spki.Length is 0 or > MaxEncodedLength)
        {
            return $"a public key is an ECDSA P-256 SubjectPublicKeyInfo of at most {MaxEncodedLength} bytes";
        }
        try
        {
            using ECDsa key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out int read);
            if (read != spki.Length)
            {
                return "the public key has trailing bytes";
            }
            ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
            // Compare the curve by OID value: the friendly name differs between platforms (nistP256, ECDSA_P256).
            return parameters.Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value
                ? null
                : "the public key is not on the P-256 curve";
        }
        catch (CryptographicException)
        {
            return "the public key is not an ECDSA SubjectPublicKeyInfo";
        }
    }

    /// <summary>SHA-256 of the SPKI, lower-case hex: how a key is named in messages, the UI and audit events.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> spki) => Convert.ToHexStringLower(SHA256.HashData(spki));

    /// <summary>The first 16 hex digits of the fingerprint in groups of four, for people to compare by eye.</summary>
    public static string ShortFingerprint(ReadOnlySpan<byte> spki)
    {
        string hex = Fingerprint(spki);
        return string.Join(':', hex[..4], hex[4..8], hex[8..12], hex[12..16]);
    }
}
