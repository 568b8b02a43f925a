using System.Security.Cryptography;

namespace Imguard.Audit.Signing;

/// <summary>
/// The audit server's private checkpoint-signing key: ECDSA over NIST P-256 with SHA-256, signatures in IEEE P1363
/// form (r ‖ s, 64 bytes). Only the audit server holds it; verifiers get <see cref="PublicKey"/>.
/// </summary>
public sealed class AuditSigningKey : IDisposable
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private readonly ECDsa _key;

    private AuditSigningKey(ECDsa key)
    {
        _key = key;
        PublicKey = AuditVerificationKey.FromPublicPart(key);
    }

    /// <summary>The matching public key.</summary>
    public AuditVerificationKey PublicKey { get; }

    /// <summary>The name checkpoints signed with this key carry.</summary>
    public string KeyId => PublicKey.KeyId;

    /// <summary>Makes a fresh key from the OS CSPRNG.</summary>
    public static AuditSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Imports a DER PKCS#8 private key (as <see cref="ExportPkcs8PrivateKey"/> writes it).</summary>
    public static AuditSigningKey ImportPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            EnsureP256(key);
            return new AuditSigningKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Imports a PEM "PRIVATE KEY" or "EC PRIVATE KEY" block.</summary>
    public static AuditSigningKey ImportPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            EnsureP256(key);
            return new AuditSigningKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The private key as DER PKCS#8; the caller stores it with owner-only permissions and wipes the copy.</summary>
    public byte[] ExportPkcs8PrivateKey() => _key.ExportPkcs8PrivateKey();

    internal byte[] Sign(ReadOnlySpan<byte> message) =>
        _key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    internal static void EnsureP256(ECDsa key)
    {
        ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
        if (key.KeySize != 256 || !parameters.Curve.IsNamed || parameters.Curve.Oid.Value != P256Oid)
        {
            throw AuditError.WrongCurve(key.KeySize);
        }
    }

    public void Dispose()
    {
        PublicKey.Dispose();
        _key.Dispose();
    }
}
