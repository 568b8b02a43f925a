using System.Security.Cryptography;
using Imguard.Contracts.Audit;

namespace Imguard.Audit.Signing;

/// <summary>
/// The audit server's public key (ECDSA over NIST P-256), which anyone holding it uses to check checkpoints.
/// <see cref="KeyId"/> names it: the first 16 bytes of SHA-256 over its SubjectPublicKeyInfo, in hex.
/// </summary>
public sealed class AuditVerificationKey : IDisposable
{
    private readonly ECDsa _key;

    private AuditVerificationKey(ECDsa key)
    {
        _key = key;
        KeyId = ComputeKeyId(key);
    }

    /// <summary>The key's name as checkpoints record it (32 hex characters).</summary>
    public string KeyId { get; }

    /// <summary>Imports a DER SubjectPublicKeyInfo (as <see cref="ExportSubjectPublicKeyInfo"/> writes it).</summary>
    public static AuditVerificationKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            AuditSigningKey.EnsureP256(key);
            return new AuditVerificationKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Imports a PEM "PUBLIC KEY" block.</summary>
    public static AuditVerificationKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            AuditSigningKey.EnsureP256(key);
            return new AuditVerificationKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    internal static AuditVerificationKey FromPublicPart(ECDsa privateKey) =>
        FromSubjectPublicKeyInfo(privateKey.ExportSubjectPublicKeyInfo());

    public byte[] ExportSubjectPublicKeyInfo() => _key.ExportSubjectPublicKeyInfo();

    public string ExportPem() => _key.ExportSubjectPublicKeyInfoPem();

    internal bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == 64 && _key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    internal static string ComputeKeyId(ECDsa key) => AuditCheckpointEncoding.KeyId(key.ExportSubjectPublicKeyInfo());

    public void Dispose() => _key.Dispose();
}
