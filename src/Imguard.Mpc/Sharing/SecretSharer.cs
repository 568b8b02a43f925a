using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Sharing;

/// <summary>
/// Client-side splitting and reconstruction of secrets. Splitting happens on the data owner's device; reconstruction
/// happens only where the owner combines the two halves it fetched (a model, a result). No server code path calls
/// <see cref="Reconstruct"/>.
/// </summary>
public static class SecretSharer
{
    /// <summary>Splits <paramref name="secret"/> into two uniformly random shares with <c>s₀ + s₁ = secret</c>.</summary>
    public static (RingTensor Share0, RingTensor Share1) Split(RingTensor secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var (seed, share1) = SplitWithSeed(secret);
        return (ExpandSeedShare(seed, secret.Shape), share1);
    }

    /// <summary>
    /// Splits with share 0 given as a 128-bit seed (expanded by <see cref="ExpandSeedShare"/>): half the upload and
    /// storage. Share 1 is <c>secret − PRG(seed)</c>.
    /// </summary>
    public static (Seed Share0Seed, RingTensor Share1) SplitWithSeed(RingTensor secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var seed = Seed.Random();
        var share1 = ExpandSeedShare(seed, secret.Shape);
        RingOps.Subtract(secret.Span, share1.Span, share1.Span);
        return (seed, share1);
    }

    /// <summary>The share a seed stands for: AES-CTR output of the seed, shaped like the secret.</summary>
    public static RingTensor ExpandSeedShare(Seed seed, ReadOnlySpan<int> shape)
    {
        var share = new RingTensor(shape.ToArray());
        using var prg = new AesCtrPrg(seed, stream: SeedShareStream);
        prg.Fill(share.Span);
        return share;
    }

    /// <summary>Recombines the two halves. For the owner's device only.</summary>
    public static RingTensor Reconstruct(RingTensor share0, RingTensor share1)
    {
        ArgumentNullException.ThrowIfNull(share0);
        ArgumentNullException.ThrowIfNull(share1);
        if (!share0.HasShape(share1.Shape))
        {
            MpcError.ThrowShapeMismatch("reconstruction", share0.Shape, share1.Shape);
        }
        var secret = new RingTensor(share0.Shape.ToArray());
        RingOps.Add(share0.Span, share1.Span, secret.Span);
        return secret;
    }

    /// <summary>Recombines two parties' <see cref="SharedTensor"/>s (test and client code).</summary>
    public static RingTensor Reconstruct(SharedTensor a, SharedTensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.PartyId == b.PartyId)
        {
            throw new ArgumentException("Reconstruction needs one share of each party.");
        }
        if (a.Format != b.Format)
        {
            throw MpcError.FormatMismatch(a.Format.FractionalBits, b.Format.FractionalBits);
        }
        return Reconstruct(a.Share, b.Share);
    }

    // A stream number of its own so a seed-share never coincides with dealer streams derived from the same seed.
    private const ulong SeedShareStream = 0x5348415245_000000UL;
}
