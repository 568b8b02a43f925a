using System.Security.Cryptography;
using Imguard.Contracts.Consent;

namespace Imguard.Contracts.Tests.Consent;

public sealed class ConsentSignatureTests
{
    private static readonly byte[] Digest = SHA256.HashData("terms"u8);

    [Fact]
    public void A_signature_verifies_only_under_its_key_and_digest()
    {
        using ECDsa owner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] signature = ConsentSignature.Sign(owner, Digest);

        Assert.Equal(ConsentSignature.Length, signature.Length);
        Assert.True(ConsentSignature.Verify(owner.ExportSubjectPublicKeyInfo(), Digest, signature));
        Assert.False(ConsentSignature.Verify(other.ExportSubjectPublicKeyInfo(), Digest, signature));
        Assert.False(ConsentSignature.Verify(owner.ExportSubjectPublicKeyInfo(), SHA256.HashData("other terms"u8), signature));
        for (int i = 0; i < signature.Length; i += 7)
        {
            byte[] flipped = (byte[])signature.Clone();
            flipped[i] ^= 0x40;
            Assert.False(ConsentSignature.Verify(owner.ExportSubjectPublicKeyInfo(), Digest, flipped));
        }
    }

    [Fact]
    public void A_DER_signature_or_a_malformed_key_is_refused_not_guessed_at()
    {
        using ECDsa owner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] der = owner.SignData(Digest, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        Assert.False(ConsentSignature.Verify(owner.ExportSubjectPublicKeyInfo(), Digest, der));
        Assert.False(ConsentSignature.Verify([0x30, 0x00], Digest, ConsentSignature.Sign(owner, Digest)));
        Assert.False(ConsentSignature.Verify(owner.ExportSubjectPublicKeyInfo(), Digest.AsSpan(0, 31), ConsentSignature.Sign(owner, Digest)));
        Assert.False(ConsentSignature.Verify(owner.ExportSubjectPublicKeyInfo(), Digest, new byte[64]));
    }

    [Fact]
    public void Keys_on_other_curves_or_with_trailing_bytes_are_not_owner_keys()
    {
        using ECDsa p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        byte[] spki = p256.ExportSubjectPublicKeyInfo();

        Assert.Null(OwnerKeys.Check(spki));
        Assert.Equal(91, spki.Length);
        Assert.NotNull(OwnerKeys.Check(p384.ExportSubjectPublicKeyInfo()));
        Assert.NotNull(OwnerKeys.Check([.. spki, 0]));
        Assert.NotNull(OwnerKeys.Check([]));
        Assert.NotNull(OwnerKeys.Check(new byte[OwnerKeys.MaxEncodedLength + 1]));
    }

    [Fact]
    public void A_fingerprint_is_the_sha256_of_the_key_and_its_short_form_its_first_digits()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        string full = OwnerKeys.Fingerprint(spki);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki)), full);
        Assert.Equal($"{full[..4]}:{full[4..8]}:{full[8..12]}:{full[12..16]}", OwnerKeys.ShortFingerprint(spki));
    }
}
