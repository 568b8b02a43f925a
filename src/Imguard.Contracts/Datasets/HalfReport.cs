namespace Imguard.Contracts.Datasets;

/// <summary>
/// What a party tells the platform about a dataset half it stored: shape, count and the half digest. The platform
/// compares both parties' reports with the owner's registration; the party's id comes from its certificate.
/// <paramref name="OwnerKey"/>: the owner's public key (SubjectPublicKeyInfo DER, base64) from the verified header of
/// the stored half, null for a version-1 half; the platform keeps it only when both parties report the same key.
/// </summary>
public sealed record HalfReport(int Channels, int Height, int Width, int Classes, long Count, string Digest, string? OwnerKey = null);
