namespace Imguard.Contracts.Consent;

/// <summary>
/// The HTTP headers of a signed model request (<see cref="ModelRequestDigest"/>), sent with the download beside the
/// platform's grant; each value is base64.
/// </summary>
public static class ModelRequestHeaders
{
    /// <summary>The requester's public key, SubjectPublicKeyInfo DER of a P-256 key.</summary>
    public const string Key = "X-Imguard-Key";

    /// <summary>The 32-byte challenge the party issued (<c>POST /api/models/{jobId}/{share|evaluation}/challenge</c>).</summary>
    public const string Challenge = "X-Imguard-Challenge";

    /// <summary>The signature over the request's digest, r ‖ s (64 bytes).</summary>
    public const string Signature = "X-Imguard-Signature";
}
