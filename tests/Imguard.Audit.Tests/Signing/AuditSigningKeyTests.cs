using System.Security.Cryptography;
using Imguard.Audit.Signing;

namespace Imguard.Audit.Tests.Signing;

public sealed class AuditSigningKeyTests
{
    [Fact]
    public void Signatures_are_64_byte_P256_signatures_that_verify_only_for_the_signed_message()
    {
        using var key = AuditSigningKey.Generate();
        byte[] message = "checkpoint"u8.ToArray();
        byte[] signature = key.Sign(message);
        Assert.Equal(64, signature.Length);
        Assert.True(key.PublicKey.Verify(message, signature));
        Assert.False(key.PublicKey.Verify("checkpoinT"u8, signature));
        signature[10] ^= 1;
        Assert.False(key.PublicKey.Verify(message, signature));
        Assert.False(key.PublicKey.Verify(message, signature.AsSpan(0, 63)));
    }

    [Fact]
    public void Keys_round_trip_through_PKCS8_PEM_and_SubjectPublicKeyInfo_with_a_stable_key_id()
    {
        using var key = AuditSigningKey.Generate();
        Assert.Matches("^[0-9a-f]{32}$", key.KeyId);

        using var fromDer = AuditSigningKey.ImportPkcs8(key.ExportPkcs8PrivateKey());
        Assert.Equal(key.KeyId, fromDer.KeyId);

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(key.ExportPkcs8PrivateKey(), out _);
        using var fromPem = AuditSigningKey.ImportPem(ecdsa.ExportPkcs8PrivateKeyPem());
        Assert.Equal(key.KeyId, fromPem.KeyId);

        using var publicOnly = AuditVerificationKey.FromSubjectPublicKeyInfo(key.PublicKey.ExportSubjectPublicKeyInfo());
        using var publicPem = AuditVerificationKey.FromPem(key.PublicKey.ExportPem());
        Assert.Equal(key.KeyId, publicOnly.KeyId);
        Assert.Equal(key.KeyId, publicPem.KeyId);
        byte[] signature = fromPem.Sign("m"u8);
        Assert.True(publicOnly.Verify("m"u8, signature));

        using var other = AuditSigningKey.Generate();
        Assert.NotEqual(key.KeyId, other.KeyId);
    }

    [Fact]
    public void Keys_on_other_curves_are_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => AuditSigningKey.ImportPkcs8(p384.ExportPkcs8PrivateKey()));
        Assert.Throws<ArgumentException>(() => AuditVerificationKey.FromSubjectPublicKeyInfo(p384.ExportSubjectPublicKeyInfo()));
    }
}
