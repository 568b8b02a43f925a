using System.Security.Cryptography;

namespace Imguard.Contracts.Consent;

/// <summary>
/// An owner's (or a recipient's) signature over a 32-byte digest: ECDSA P-256 with SHA-256, the signature as the 64
/// bytes r ‖ s (IEEE P1363) — what Web Crypto's <c>sign({name: 'ECDSA', hash: 'SHA-256'}, key, digest)</c> returns.
/// One format only: a DER signature is refused rather than guessed at.
/// </summary>
/// <remarks>
/// ECDSA signatures are malleable (s and n − s both verify). Nothing here needs a signature to be unique: a signature
/// is evidence that the key's holder approved a digest, and the digest, not the signature, names what was approved.
/// </remarks>
public static class ConsentSignature
{
    public const int Length = 64;

    /// <summary>True when <paramref name="signature"/> is a valid signature by <paramref name="publicKeySpki"/> over <paramref name="digest"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKeySpki, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (digest.Length != ConsentDigest.Length || signature.Length != Length || OwnerKeys.Check(publicKeySpki) is not null)
        {
            return false;
        }
        using ECDsa key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(publicKeySpki, out _);
        return key.VerifyData(digest, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Signs <paramref name="digest"/> with a P-256 private key (the CLI's owner key; browsers sign with Web Crypto).</summary>
    public static byte[] Sign(ECDsa privateKey, ReadOnlySpan<byte> digest)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (digest.Length != ConsentDigest.Length)
        {
            throw new ArgumentException($"A consent digest is {ConsentDigest.Length} bytes.", nameof(digest));
        }
        return privateKey.SignData(digest, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
