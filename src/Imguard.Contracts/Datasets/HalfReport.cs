namespace Imguard.Contracts.Datasets;

/// <summary>
/// What a party tells the platform about a dataset half it stored: shape, count and the half digest. The platform
/// compares both parties' reports with the owner's registration; the party's id comes from its certificate.
/// </summary>
public sealed record HalfReport(int Channels, int Height, int Width, int Classes, long Count, string Digest);
