namespace Imguard.Learning.Data;

/// <summary>
/// A run of rows of a shared image matrix (one owner's dataset in a union, or a test set) and how its owner's client
/// scaled the pixels before sharing: <see cref="Disclosed"/> null — raw, x/255; otherwise (x/255 − Mean[c]) / Std[c]
/// with these public, owner-disclosed statistics (<see cref="UnionStandardization"/> maps them back on shares).
/// </summary>
/// <param name="Start">The first row.</param>
/// <param name="Count">How many rows.</param>
/// <param name="Disclosed">The owner's disclosed per-channel statistics; null for raw pixels.</param>
public sealed record ScaledRows(int Start, int Count, Standardization? Disclosed = null);
