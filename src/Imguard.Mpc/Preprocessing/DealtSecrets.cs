using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Preprocessing;

/// <summary>What a dealt secret is for; part of its PRG stream number, so no two purposes share a stream.</summary>
public enum DealtPurpose : byte
{
    /// <summary>A job's initial model parameters.</summary>
    InitialParameters = 1,

    /// <summary>The random row masks a of <see cref="Protocols.RowMixing"/> (each party's own, from its own seed).</summary>
    MixingMask = 2,

    /// <summary>The secret coefficients c of <see cref="Protocols.RowMixing"/>.</summary>
    MixingCoefficients = 3,

    /// <summary>The offsets w = Σ c ⊙ a of <see cref="Protocols.RowMixing"/>.</summary>
    MixingOffsets = 4,
}

/// <summary>
/// Secrets the dealer chooses itself (a job's initial weights, InstaHide's coefficients and masks) and hands out as
/// additive shares, with the same seed compression as the correlated randomness: party 0's share is expanded from
/// its job seed, party 1 receives secret − share₀, so only party 1's half travels. Neither compute party alone
/// learns anything about the secret (its share is uniform). Stream numbers have the top bit set, so they never
/// collide with the item indices of <see cref="Dealer"/>; a seed must never serve two jobs (streams would repeat).
/// </summary>
public static class DealtSecrets
{
    /// <summary>The PRG stream of one dealt item: 1 | purpose (7 bits) | scope (24 bits, e.g. epoch) | index (32 bits).</summary>
    public static ulong Stream(DealtPurpose purpose, int scope, int index)
    {
        if ((uint)scope >= 1u << 24)
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, "A dealt-secret scope must be below 2^24.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return (1UL << 63) | ((ulong)purpose << 56) | ((ulong)scope << 32) | (uint)index;
    }

    /// <summary>Words of the pseudo-random stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public static void Expand(Seed seed, ulong stream, Span<ulong> destination)
    {
        using var prg = new AesCtrPrg(seed, stream);
        prg.Fill(destination);
    }

    /// <summary>The dealer's message for party 1: secret − share₀, where share₀ is stream <paramref name="stream"/> of seed₀.</summary>
    public static ulong[] MessageForParty1(Seed seed0, ulong stream, ReadOnlySpan<ulong> secret)
    {
        var message = new ulong[secret.Length];
        Expand(seed0, stream, message);
        RingOps.Subtract(secret, message, message);
        return message;
    }

    /// <summary>
    /// This party's share of a dealt secret: party 0 expands it from its seed (<paramref name="messageForParty1"/> is
    /// ignored and may be empty); party 1 takes the dealer's message, whose length must match.
    /// </summary>
    public static RingTensor ShareOf(int partyId, Seed partySeed, ulong stream, int[] shape, ulong[] messageForParty1)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(messageForParty1);
        var share = new RingTensor(shape);
        switch (partyId)
        {
            case 0:
                Expand(partySeed, stream, share.Span);
                return share;
            case 1:
                if (messageForParty1.Length != share.Length)
                {
                    MpcError.ThrowLengthMismatch("dealt secret share", share.Length, messageForParty1.Length);
                }
                return new RingTensor(messageForParty1, shape);
            default:
                throw MpcError.WrongParty(partyId);
        }
    }
}
