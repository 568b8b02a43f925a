namespace Imguard.Contracts.Consent;

/// <summary>
/// A user who may receive the trained model: the parties release model and evaluation shares only to a request signed
/// by one of the recipients' keys.
/// </summary>
/// <param name="User">The recipient's user name.</param>
/// <param name="Key">The recipient's public key, SubjectPublicKeyInfo DER of an ECDSA P-256 key.</param>
public sealed record ConsentRecipient(string User, byte[] Key);
