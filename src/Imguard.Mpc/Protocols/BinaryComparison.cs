using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// The sign bit by a binary circuit on bit triples (the brief's "arithmetic-to-binary with binary Beaver triples"
/// alternative, with the input masked as in the DCF protocol, so no full adder is needed): open x̂ = x + r; with
/// y = x mod 2^ℓ, ŷ = x̂ mod 2^ℓ = a·2^(ℓ−1) + c and ρ = r mod 2^(ℓ−1), b = bit ℓ−1 of r,
/// MSB(y) = a ⊕ b ⊕ 1{c &lt; ρ} (y = ŷ − (r mod 2^ℓ): the top bit of a difference, with the borrow of the low bits).
/// The dealer XOR-shares ρ's bits and b; 1{c &lt; ρ} for the public c is the <see cref="CarryTree"/> (⌈log₂(ℓ−1)⌉
/// rounds of Beaver ANDs on 64 elements per word); DReLU s = ¬(a ⊕ b ⊕ 1{c &lt; ρ}) is then an XOR share, and one more
/// round opens e = s ⊕ t for a dealer bit t held both ways: s = t or 1 − t, and s·r = t·r or r − t·r, so the ReLU
/// s·x = s·x̂ − s·r needs no Beaver product.
/// Online: 2 + ⌈log₂(ℓ−1)⌉ rounds (7 at ℓ = 32); per element 8 bytes (x̂) plus (combinations + ANDs + 1) bits.
/// Dealer: nothing to party 0 (all from its seed); to party 1 (ℓ + ANDs) bits plus 8 bytes (DReLU) or 16 (ReLU):
/// about 28 bytes per ReLU at ℓ = 32, against about 1 KB to each party for the DCF keys.
/// </summary>
internal static class BinaryComparison
{
    /// <summary>Online rounds of one comparison of <paramref name="bits"/>-bit values.</summary>
    public static int Rounds(int bits) => 2 + CarryTree.Size(bits - 1).Levels;

    /// <summary>Bytes one party sends for one comparison of <paramref name="elements"/> values: x̂, the tree's openings, e.</summary>
    public static long BytesSent(int bits, int elements)
    {
        var (combinations, ands, _) = CarryTree.Size(bits - 1);
        return 8L * (elements + (long)BitPlanes.Words(elements) * (combinations + ands + 1));
    }

    /// <summary>
    /// Opens x̂ and computes this party's additive shares of s = 1{x ≥ 0} (ring integers 0/1) and, with
    /// <paramref name="withProduct"/>, of s·r. The caller owns (and disposes) <c>Opened</c>.
    /// </summary>
    public static async ValueTask<(RentedWords Opened, ulong[] Sign, ulong[]? SignTimesMask)> SignAsync(
        PartyContext ctx, SharedTensor x, bool withProduct, CancellationToken cancellationToken)
    {
        int n = x.Length, bits = ctx.ComparisonBits, m = bits - 1, words = BitPlanes.Words(n);
        bool party0 = ctx.PartyId == 0;
        var material = ctx.Randomness.TakeBitSign(n, bits, withProduct);
        material.Consume(ctx.PartyId);

        var opened = RentedWords.Rent(n);
        try
        {
            using (var masked = RentedWords.Rent(n))
            {
                RingOps.Add(x.Share.Span, material.Mask, masked.Span);           // x + r
                await ctx.OpenAsync(masked.Memory, opened.Memory, cancellationToken).ConfigureAwait(false);
            }

            // Public planes of x̂: bits 0 … ℓ−2 are c, bit ℓ−1 is a.
            var publicBits = new ulong[bits * words];
            BitPlanes.Pack(opened.Span, 0, bits, publicBits);

            // Leaves: G = ρ ∧ ¬c (AND with a public value is local), E = ¬(ρ ⊕ c) (party 0 adds the public part).
            var greater = new ulong[m * words];
            var equal = new ulong[m * words];
            var rho = material.MaskBits;
            for (int i = 0; i < m * words; i++)
            {
                greater[i] = rho[i] & ~publicBits[i];
                equal[i] = party0 ? ~(rho[i] ^ publicBits[i]) : rho[i];
            }

            ulong[] lessThan = await CarryTreeAsync(ctx, material, greater, equal, m, words, cancellationToken).ConfigureAwait(false);

            // s = ¬(a ⊕ b ⊕ 1{c < ρ}) as an XOR share, then masked by t and opened: e = s ⊕ t.
            var topMask = rho.AsSpan(m * words, words);
            var topPublic = publicBits.AsSpan(m * words, words);
            var e = new ulong[words];
            for (int w = 0; w < words; w++)
            {
                ulong s = lessThan[w] ^ topMask[w] ^ (party0 ? ~topPublic[w] : 0);
                e[w] = s ^ material.InjectBit[w];
            }
            var theirs = new ulong[words];
            await ctx.Peer.ExchangeAsync(e, theirs, cancellationToken).ConfigureAwait(false);

            var sign = new ulong[n];
            var signTimesMask = withProduct ? new ulong[n] : null;
            var t = material.InjectValue;
            var tr = material.InjectTimesMask;
            var r = material.Mask;
            ulong one = party0 ? 1UL : 0UL;
            for (int i = 0; i < n; i++)
            {
                bool flipped = (((e[i >> 6] ^ theirs[i >> 6]) >> (i & 63)) & 1) != 0;   // e = s ⊕ t
                sign[i] = flipped ? unchecked(one - t[i]) : t[i];                    // s = 1 − t or t
                if (signTimesMask is not null)
                {
                    signTimesMask[i] = flipped ? unchecked(r[i] - tr![i]) : tr![i];  // s·r = r − t·r or t·r
                }
            }
            return (opened, sign, signTimesMask);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>
    /// XOR shares of the root's G: one round per level; a level opens, per combination, E_hi ⊕ a (the shared left
    /// operand) and per AND its right operand ⊕ b, all in one frame.
    /// </summary>
    private static async ValueTask<ulong[]> CarryTreeAsync(
        PartyContext ctx, BitSignMaterial material, ulong[] greater, ulong[] equal, int leaves, int words, CancellationToken cancellationToken)
    {
        bool party0 = ctx.PartyId == 0;
        var left = material.TripleLeft;
        var right = material.TripleRight;
        var product = material.TripleProduct;
        int combinationBase = 0, andBase = 0;
        for (int count = leaves; count > 1; count = CarryTree.Next(count))
        {
            int pairs = count / 2, ands = CarryTree.AndsAtLevel(pairs);
            int frame = (pairs + ands) * words;
            var mine = new ulong[frame];
            var theirs = new ulong[frame];
            for (int k = 0; k < pairs; k++)
            {
                int hi = (2 * k + 1) * words, lo = 2 * k * words;
                int a = (combinationBase + k) * words;
                int g = (andBase + CarryTree.GreaterAnd(k)) * words;
                int eq = (andBase + CarryTree.EqualAnd(k)) * words;
                var delta = mine.AsSpan(k * words, words);
                var epsG = mine.AsSpan((pairs + CarryTree.GreaterAnd(k)) * words, words);
                for (int w = 0; w < words; w++)
                {
                    delta[w] = equal[hi + w] ^ left[a + w];
                    epsG[w] = greater[lo + w] ^ right[g + w];
                }
                if (k > 0)
                {
                    var epsE = mine.AsSpan((pairs + CarryTree.EqualAnd(k)) * words, words);
                    for (int w = 0; w < words; w++)
                    {
                        epsE[w] = equal[lo + w] ^ right[eq + w];
                    }
                }
            }
            await ctx.Peer.ExchangeAsync(mine, theirs, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < frame; i++)
            {
                theirs[i] ^= mine[i];                                             // the opened δ and ε
            }

            int next = CarryTree.Next(count);
            var nextGreater = new ulong[next * words];
            var nextEqual = new ulong[next * words];
            for (int k = 0; k < pairs; k++)
            {
                int hi = (2 * k + 1) * words, lo = 2 * k * words, at = k * words;
                int a = (combinationBase + k) * words;
                int g = andBase + CarryTree.GreaterAnd(k), eq = andBase + CarryTree.EqualAnd(k);
                for (int w = 0; w < words; w++)
                {
                    ulong delta = theirs[at + w];
                    ulong epsG = theirs[(pairs + CarryTree.GreaterAnd(k)) * words + w];
                    // Beaver AND: x∧y = c ⊕ δ∧b ⊕ ε∧a ⊕ δ∧ε (the public δ∧ε added by party 0 only).
                    ulong z = product[g * words + w] ^ (delta & right[g * words + w]) ^ (epsG & left[a + w]) ^ (party0 ? delta & epsG : 0);
                    nextGreater[at + w] = greater[hi + w] ^ z;
                    if (k > 0)
                    {
                        ulong epsE = theirs[(pairs + CarryTree.EqualAnd(k)) * words + w];
                        nextEqual[at + w] = product[eq * words + w] ^ (delta & right[eq * words + w]) ^ (epsE & left[a + w]) ^ (party0 ? delta & epsE : 0);
                    }
                }
            }
            if ((count & 1) == 1)
            {
                Array.Copy(greater, (count - 1) * words, nextGreater, pairs * words, words);
                Array.Copy(equal, (count - 1) * words, nextEqual, pairs * words, words);
            }
            greater = nextGreater;
            equal = nextEqual;
            combinationBase += pairs;
            andBase += ands;
        }
        return greater;
    }
}
