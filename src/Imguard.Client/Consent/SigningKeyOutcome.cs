namespace Imguard.Client.Consent;

/// <summary>What <see cref="SigningKeyRegistration.EnsureAsync"/> found or did on the user's account.</summary>
public enum SigningKeyOutcome
{
    /// <summary>The account had no key; this device's is now registered.</summary>
    Registered,

    /// <summary>This device's key was the account's already.</summary>
    AlreadyRegistered,

    /// <summary>The account holds another key, left in place (replacing was not asked for).</summary>
    OtherKeyRegistered,

    /// <summary>The account's other key was replaced by this device's.</summary>
    Replaced,
}
