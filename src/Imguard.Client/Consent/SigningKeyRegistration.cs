using Imguard.Client.Platform;
using Imguard.Contracts.Consent;

namespace Imguard.Client.Consent;

/// <summary>
/// The account's signing key (the key the platform names when the user receives a model) compared with this device's
/// key, and registered when the account has none. Another key already registered is replaced only when asked: it may
/// be the user's browser key, and jobs already naming it as recipient wait for its signature.
/// </summary>
/// <param name="Outcome">What was found or done.</param>
/// <param name="DeviceFingerprint">This device's key's short fingerprint.</param>
/// <param name="AccountFingerprint">The short fingerprint of the key the account held before (null when it held none).</param>
public sealed record SigningKeyRegistration(SigningKeyOutcome Outcome, string DeviceFingerprint, string? AccountFingerprint)
{
    /// <summary>Registers <paramref name="deviceKey"/> when the account has no key (or another one and <paramref name="replace"/>).</summary>
    public static async Task<SigningKeyRegistration> EnsureAsync(PlatformApi platform, byte[] deviceKey, bool replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(deviceKey);
        string device = OwnerKeys.ShortFingerprint(deviceKey);
        SigningKeyView? current = await platform.GetSigningKeyAsync(cancellationToken);
        if (current is null)
        {
            await platform.RegisterSigningKeyAsync(deviceKey, cancellationToken);
            return new SigningKeyRegistration(SigningKeyOutcome.Registered, device, null);
        }
        byte[]? registered = Decode(current.Key);
        // The fingerprint is computed here from the key, not taken from the platform's text.
        string account = registered is null ? current.Fingerprint : OwnerKeys.ShortFingerprint(registered);
        if (registered is not null && registered.AsSpan().SequenceEqual(deviceKey))
        {
            return new SigningKeyRegistration(SigningKeyOutcome.AlreadyRegistered, device, account);
        }
        if (!replace)
        {
            return new SigningKeyRegistration(SigningKeyOutcome.OtherKeyRegistered, device, account);
        }
        await platform.RegisterSigningKeyAsync(deviceKey, cancellationToken);
        return new SigningKeyRegistration(SigningKeyOutcome.Replaced, device, account);
    }

    /// <summary>One line for the user.</summary>
    public string Describe() => Outcome switch
    {
        SigningKeyOutcome.Registered =>
            $"registered this device's signing key {DeviceFingerprint} on your account (you approve jobs and receive models with it)",
        SigningKeyOutcome.AlreadyRegistered => $"your account's signing key is this device's ({DeviceFingerprint})",
        SigningKeyOutcome.Replaced =>
            $"replaced your account's signing key {AccountFingerprint} by this device's {DeviceFingerprint} (jobs that name you as recipient from now on wait for it)",
        _ => $"your account's signing key is {AccountFingerprint}, not this device's {DeviceFingerprint}: jobs that name you as recipient wait for a " +
             $"signature by {AccountFingerprint}. To make this device's key the account's: imguard key register --replace",
    };

    private static byte[]? Decode(string? base64)
    {
        try
        {
            return base64 is null ? null : Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
