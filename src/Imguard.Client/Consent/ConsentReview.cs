using Imguard.Contracts.Consent;

namespace Imguard.Client.Consent;

/// <summary>
/// A job's consent terms as this device checked them: the platform's view, the terms rebuilt from the fields shown,
/// the digest computed here (the one this device signs), every key that must sign, and this device's key.
/// </summary>
/// <param name="View">What the platform sent (its names, sizes, hiding summary and who signed are shown as its claims).</param>
/// <param name="Terms">The terms rebuilt from <paramref name="View"/>'s fields (<see cref="ConsentTermsView.ToTerms"/>).</param>
/// <param name="Digest">SHA-256 of <paramref name="Terms"/>, computed on this device.</param>
/// <param name="Required">Every key that must sign, from <paramref name="Terms"/> (not from the platform's signer list).</param>
/// <param name="DeviceKey">This profile's public signing key (SPKI DER).</param>
public sealed record ConsentReview(ConsentTermsView View, ConsentTerms Terms, byte[] Digest, IReadOnlyList<RequiredSignature> Required, byte[] DeviceKey)
{
    /// <summary>The digest as lower-case hex, as the platform writes it.</summary>
    public string DigestHex => Convert.ToHexStringLower(Digest);

    /// <summary>This device's key's short fingerprint.</summary>
    public string DeviceFingerprint => OwnerKeys.ShortFingerprint(DeviceKey);

    /// <summary>Whether this device's key is one the job waits for (an owner key of a dataset, or a recipient's key).</summary>
    public bool DeviceMustSign => Required.Any(r => IsDeviceKey(r.Key));

    /// <summary>Whether <paramref name="key"/> is this device's key.</summary>
    public bool IsDeviceKey(ReadOnlySpan<byte> key) => key.SequenceEqual(DeviceKey);
}
