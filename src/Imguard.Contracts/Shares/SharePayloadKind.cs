namespace Imguard.Contracts.Shares;

/// <summary>
/// What a share file's payload holds. Zero is not a kind, so a zeroed header never parses as a valid one.
/// </summary>
public enum SharePayloadKind
{
    /// <summary>N rows of D + C little-endian ring elements: [image share | one-hot label share].</summary>
    Tensor = 1,

    /// <summary>
    /// Party 0 only: a 16-byte PRG seed standing for the N × (D + C) share (the owner's seed-compressed split); the
    /// party expands it itself. Halves upload and storage.
    /// </summary>
    Seed = 2,
}
