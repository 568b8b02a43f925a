using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Sharing;

/// <summary>
/// This party's additive share of a secret tensor over Z_2^64: the secret is <c>share₀ + share₁ mod 2^64</c>.
/// A share on its own is uniformly random and says nothing about the secret. <see cref="Format"/> says how the
/// secret is encoded (fractional bits); protocols refuse to mix formats.
/// </summary>
public sealed class SharedTensor
{
    public SharedTensor(int partyId, RingTensor share, FixedPointFormat format)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (partyId is not (0 or 1))
        {
            throw MpcError.WrongParty(partyId);
        }
        PartyId = partyId;
        Share = share;
        Format = format;
    }

    public int PartyId { get; }

    /// <summary>This party's share. Never log or print it alongside the other party's.</summary>
    public RingTensor Share { get; }

    public FixedPointFormat Format { get; }

    public ReadOnlySpan<int> Shape => Share.Shape;

    public int Length => Share.Length;

    public SharedTensor Reshape(params int[] shape) => new(PartyId, Share.Reshape(shape), Format);

    public SharedTensor WithShare(RingTensor share) => new(PartyId, share, Format);

    public override string ToString() => $"SharedTensor(party {PartyId}, [{string.Join(", ", Share.Shape.ToArray())}])";
}
