namespace Imguard.Platform.Accounts;

/// <summary>A user's registered signing key (SPKI DER) and when it was registered.</summary>
public sealed record SigningKeyInfo(byte[] Key, DateTimeOffset RegisteredAt);
