using System.Security.Cryptography;
using Imguard.Client.Consent;
using Imguard.Contracts.Consent;

namespace Imguard.Client.Models;

/// <summary>
/// The key a download is signed with (<see cref="ModelRequestDigest"/>): the public key the parties compare with the
/// job's recipients or the evaluated dataset's owner, and a function that signs a 32-byte digest (r ‖ s). The CLI uses
/// the login profile's <see cref="OwnerSigningKey"/>, the one it registers with the platform and names in the jobs it
/// approves and the share files it writes.
/// </summary>
public sealed class ModelRequestSigner
{
    private readonly Func<byte[], byte[]> _sign;

    // A download signs for both parties at once; a key object is not promised to be safe for concurrent use.
    private readonly Lock _gate = new();

    public ModelRequestSigner(byte[] publicKey, Func<byte[], byte[]> sign)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(sign);
        PublicKey = publicKey;
        _sign = sign;
    }

    /// <summary>SubjectPublicKeyInfo DER of the P-256 key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Signs with the CLI user's key file.</summary>
    public static ModelRequestSigner From(OwnerSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new ModelRequestSigner(key.PublicKey, digest => key.Sign(digest));
    }

    /// <summary>Signs with a P-256 private key held in memory.</summary>
    public static ModelRequestSigner From(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new ModelRequestSigner(key.ExportSubjectPublicKeyInfo(), digest => ConsentSignature.Sign(key, digest));
    }

    /// <summary>The signature over the request for <paramref name="what"/> of <paramref name="jobId"/> at party <paramref name="partyId"/> answering <paramref name="challenge"/>.</summary>
    public byte[] Sign(string jobId, int partyId, string what, byte[] challenge)
    {
        byte[] digest = ModelRequestDigest.Compute(jobId, partyId, what, challenge);
        lock (_gate)
        {
            return _sign(digest);
        }
    }
}
