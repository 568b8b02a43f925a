using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// The sign bit by a binary circuit on bit triples (the brief's "arithmetic-to-binary with binary Beaver triples"
/// alternative, with the input masked as in the DCF protocol, so no full adder is needed): open x̂ = x + r; with
/// y = x mod 2^ℓ, ŷ = x̂ mod 2^ℓ = a·2^(ℓ−1) + c and ρ = r mod 2^(ℓ−1), b = bit ℓ−1 of r,
/// MSB(y) = a ⊕ b ⊕ 1{c &lt; ρ} (y = ŷ − (r mod 2^ℓ): the top bit of a difference, with the borrow of the low bits).
/// The dealer XOR-shares ρ's bits, b and the products of adjacent bits ρ_{2k+1}∧ρ_{2k}; 1{c &lt; ρ} for the public
/// c is the <see cref="CarryTree"/>: its first level local with those products, then ⌈log₂⌈(ℓ−1)/2⌉⌉ rounds of
/// Beaver ANDs on 64 elements per word; DReLU s = ¬(a ⊕ b ⊕ 1{c &lt; ρ}) is then an XOR share, and one more
/// round opens e = s ⊕ t for a dealer bit t held both ways: s = t or 1 − t, and s·r = t·r or r − t·r, so the ReLU
/// s·x = s·x̂ − s·r needs no Beaver product.
/// Online: 2 + ⌈log₂⌈(ℓ−1)/2⌉⌉ rounds (6 at ℓ = 32); per element 8 bytes (x̂) plus (combinations + ANDs + 1) bits
/// of the tree above the local level (42 bits at ℓ = 32, against 86 with the first level online).
/// Dealer: nothing to party 0 (all from its seed); to party 1 (ℓ + ⌊(ℓ−1)/2⌋ + ANDs) bits plus 8 bytes (DReLU) or
/// 16 (ReLU): about 25 bytes per ReLU at ℓ = 32, against about 1 KB to each party for the DCF keys.
/// </summary>
internal static class BinaryComparison
{
    /// <summary>Online rounds of one comparison of <paramref name="bits"/>-bit values.</summary>
    public static int Rounds(int bits) => 2 + CarryTree.Size(CarryTree.TreeLeaves(bits - 1)).Levels;

    /// <summary>Bytes one party sends for one comparison of <paramref name="elements"/> values: x̂, the tree's openings, e.</summary>
    public static long BytesSent(int bits, int elements)
    {
        var (combinations, ands, _) = CarryTree.Size(CarryTree.TreeLeaves(bits - 1));
        return 8L * (elements + (long)BitPlanes.Words(elements) * (combinations + ands + 1));
    }

    /// <summary>
    /// Opens x̂ and computes this party's additive shares of s = 1{x ≥ 0} (ring integers 0/1) and, with
    /// <paramref name="withProduct"/>, of s·r. The caller owns (and disposes) <c>Opened</c>.
    /// </summary>
    public static async ValueTask<(RentedWords Opened, ulong[] Sign, ulong[]? SignTimesMask)> SignAsync(
        PartyContext ctx, SharedTensor x, bool withProduct, CancellationToken cancellationToken)
    {
        var material = await ctx.Randomness.TakeBitSignAsync(x.Length, ctx.ComparisonBits, withProduct, cancellationToken).ConfigureAwait(false);
        var (opened, sign, signTimesMask, _) = await SignAsync(ctx, x, material, cancellationToken).ConfigureAwait(false);
        return (opened, sign, signTimesMask);
    }

    /// <summary>
    /// As <see cref="SignAsync(PartyContext, SharedTensor, bool, CancellationToken)"/> for a ReLU whose backward pass
    /// follows: also the shares of a random mask u and of u·s (from the dealer's u·t: u·s = u·t or u − u·t), with which
    /// g·s costs one opening of g − u (<see cref="Comparison.MultiplyByDerivativeAsync"/>).
    /// </summary>
    public static async ValueTask<(RentedWords Opened, ReluDerivative Derivative, ulong[] SignTimesMask)> SignForBackwardAsync(
        PartyContext ctx, SharedTensor x, CancellationToken cancellationToken)
    {
        var material = await ctx.Randomness.TakeBitSignForBackwardAsync(x.Length, ctx.ComparisonBits, cancellationToken).ConfigureAwait(false);
        var (opened, sign, signTimesMask, maskTimesSign) = await SignAsync(ctx, x, material, cancellationToken).ConfigureAwait(false);
        return (opened, new ReluDerivative(ctx.Wrap(sign, x.Shape), material.DerivativeMask!, maskTimesSign!), signTimesMask!);
    }

    /// <summary>
    /// The protocol. Its results are written over the consumed material (t becomes s, t·r becomes s·r, u·t becomes
    /// u·s) and its bit-plane temporaries are pooled: at 590K elements a fresh array costs more in page faults than the
    /// work done on it. Pooled buffers that held shares are wiped when returned.
    /// </summary>
    private static async ValueTask<(RentedWords Opened, ulong[] Sign, ulong[]? SignTimesMask, ulong[]? DerivativeMaskTimesSign)> SignAsync(
        PartyContext ctx, SharedTensor x, BitSignMaterial material, CancellationToken cancellationToken)
    {
        int n = x.Length, bits = ctx.ComparisonBits, m = bits - 1, words = BitPlanes.Words(n);
        bool party0 = ctx.PartyId == 0;
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
            using var publicPlanes = RentedWords.Rent(bits * words);
            BitPlanes.Pack(opened.Span, 0, bits, publicPlanes.Span);

            var rho = material.MaskBits;
            var e = new ulong[words];
            int nodes = CarryTree.TreeLeaves(m);
            using (var greater = RentedWords.RentForShare(nodes * words))
            using (var equal = RentedWords.RentForShare(nodes * words))
            {
                FirstLevel(party0, rho, material.PairProducts, publicPlanes.Span, m, words, greater.Span, equal.Span);
                using var lessThan = await CarryTreeAsync(ctx, material, greater, equal, nodes, words, cancellationToken).ConfigureAwait(false);

                // s = ¬(a ⊕ b ⊕ 1{c < ρ}) as an XOR share, then masked by t and opened: e = s ⊕ t.
                var root = lessThan.Span;
                var topMask = rho.AsSpan(m * words, words);
                var topPublic = publicPlanes.Span.Slice(m * words, words);
                for (int w = 0; w < words; w++)
                {
                    ulong sw = root[w] ^ topMask[w] ^ (party0 ? ~topPublic[w] : 0);
                    e[w] = sw ^ material.InjectBit[w];
                }
            }
            var theirs = new ulong[words];
            await ctx.Peer.ExchangeAsync(e, theirs, cancellationToken).ConfigureAwait(false);

            var t = material.InjectValue;              // becomes s
            var tr = material.InjectTimesMask;         // becomes s·r
            var r = material.Mask;
            var u = material.DerivativeMask;
            var ut = material.DerivativeMaskTimesInject; // becomes u·s
            ulong one = party0 ? 1UL : 0UL;
            for (int i = 0; i < n; i++)
            {
                bool flipped = (((e[i >> 6] ^ theirs[i >> 6]) >> (i & 63)) & 1) != 0;   // e = s ⊕ t
                if (flipped)
                {
                    t[i] = unchecked(one - t[i]);                                    // s = 1 − t (else t)
                    if (tr is not null)
                    {
                        tr[i] = unchecked(r[i] - tr[i]);                             // s·r = r − t·r (else t·r)
                    }
                    if (ut is not null)
                    {
                        ut[i] = unchecked(u![i] - ut[i]);                            // u·s = u − u·t (else u·t)
                    }
                }
            }
            return (opened, t, tr, ut);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The leaves and the tree's first level, all local: leaf i is G = ρᵢ ∧ ¬cᵢ, E = ρᵢ ⊕ ¬cᵢ (AND and XOR with a public
    /// value; party 0 adds the public part); the pair (lo, hi) = (2k, 2k+1) combines with the dealer's share of
    /// π = ρ_hi ∧ ρ_lo as E_hi∧G_lo = ¬c_lo ∧ (π ⊕ ¬c_hi∧ρ_lo) and E_hi∧E_lo = π ⊕ ¬c_lo∧ρ_hi ⊕ ¬c_hi∧ρ_lo ⊕ ¬c_hi∧¬c_lo
    /// (the last term public). An odd last leaf moves up unchanged. Writes ⌈m/2⌉ nodes' G and E.
    /// </summary>
    private static void FirstLevel(bool party0, ReadOnlySpan<ulong> rho, ReadOnlySpan<ulong> pairProducts, ReadOnlySpan<ulong> publicBits,
        int m, int words, Span<ulong> greater, Span<ulong> equal)
    {
        int pairs = CarryTree.LocalPairs(m);
        for (int k = 0; k < pairs; k++)
        {
            int lo = 2 * k * words, hi = (2 * k + 1) * words, at = k * words;
            for (int w = 0; w < words; w++)
            {
                ulong notCLo = ~publicBits[lo + w], notCHi = ~publicBits[hi + w];
                ulong rhoLo = rho[lo + w], rhoHi = rho[hi + w], pi = pairProducts[at + w];
                ulong greaterHi = rhoHi & notCHi;
                greater[at + w] = greaterHi ^ (notCLo & (pi ^ (notCHi & rhoLo)));
                equal[at + w] = pi ^ (notCLo & rhoHi) ^ (notCHi & rhoLo) ^ (party0 ? notCHi & notCLo : 0);
            }
        }
        if ((m & 1) == 1)
        {
            int leaf = (m - 1) * words, at = pairs * words;
            for (int w = 0; w < words; w++)
            {
                greater[at + w] = rho[leaf + w] & ~publicBits[leaf + w];
                equal[at + w] = party0 ? ~(rho[leaf + w] ^ publicBits[leaf + w]) : rho[leaf + w];
            }
        }
    }

    /// <summary>
    /// XOR shares of the root's G: one round per level; a level opens, per combination, E_hi ⊕ a (the shared left
    /// operand) and per AND its right operand ⊕ b, all in one frame.
    /// </summary>
    private static async ValueTask<RentedWords> CarryTreeAsync(
        PartyContext ctx, BitSignMaterial material, RentedWords leavesGreater, RentedWords leavesEqual, int leaves, int words, CancellationToken cancellationToken)
    {
        bool party0 = ctx.PartyId == 0;
        var left = material.TripleLeft;
        var right = material.TripleRight;
        var product = material.TripleProduct;
        int combinationBase = 0, andBase = 0;
        // Each level's G and E (XOR shares) in pooled buffers; the caller owns the leaves, this method the rest.
        RentedWords greaterWords = leavesGreater, equalWords = leavesEqual;
        bool ownsLevel = false;
        try
        {
            for (int count = leaves; count > 1; count = CarryTree.Next(count))
            {
                var greater = greaterWords.Span;
                var equal = equalWords.Span;
                int pairs = count / 2, ands = CarryTree.AndsAtLevel(pairs);
                int frame = (pairs + ands) * words;
                using var mineWords = RentedWords.Rent(frame);      // δ and ε: masked by the triples
                using var theirsWords = RentedWords.Rent(frame);
                var mine = mineWords.Span;
                for (int k = 0; k < pairs; k++)
                {
                    int hi = (2 * k + 1) * words, lo = 2 * k * words;
                    int a = (combinationBase + k) * words;
                    int g = (andBase + CarryTree.GreaterAnd(k)) * words;
                    int eq = (andBase + CarryTree.EqualAnd(k)) * words;
                    var delta = mine.Slice(k * words, words);
                    var epsG = mine.Slice((pairs + CarryTree.GreaterAnd(k)) * words, words);
                    for (int w = 0; w < words; w++)
                    {
                        delta[w] = equal[hi + w] ^ left[a + w];
                        epsG[w] = greater[lo + w] ^ right[g + w];
                    }
                    if (k > 0)
                    {
                        var epsE = mine.Slice((pairs + CarryTree.EqualAnd(k)) * words, words);
                        for (int w = 0; w < words; w++)
                        {
                            epsE[w] = equal[lo + w] ^ right[eq + w];
                        }
                    }
                }
                await ctx.Peer.ExchangeAsync(mineWords.Memory, theirsWords.Memory, cancellationToken).ConfigureAwait(false);
                var theirs = theirsWords.Span;
                mine = mineWords.Span;
                for (int i = 0; i < frame; i++)
                {
                    theirs[i] ^= mine[i];                                             // the opened δ and ε
                }

                int next = CarryTree.Next(count);
                var nextGreaterWords = RentedWords.RentForShare(next * words);
                var nextEqualWords = RentedWords.RentForShare(next * words);
                var nextGreater = nextGreaterWords.Span;
                var nextEqual = nextEqualWords.Span;
                greater = greaterWords.Span;
                equal = equalWords.Span;
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
                        else
                        {
                            nextEqual[at + w] = 0;   // E of the lowest pair is never read
                        }
                    }
                }
                if ((count & 1) == 1)
                {
                    greater.Slice((count - 1) * words, words).CopyTo(nextGreater.Slice(pairs * words, words));
                    equal.Slice((count - 1) * words, words).CopyTo(nextEqual.Slice(pairs * words, words));
                }
                if (ownsLevel)
                {
                    greaterWords.Dispose();
                    equalWords.Dispose();
                }
                greaterWords = nextGreaterWords;
                equalWords = nextEqualWords;
                ownsLevel = true;
                combinationBase += pairs;
                andBase += ands;
            }
            // The root: the first plane of G (a single level's buffer, or a copy of the leaves when there is no tree).
            var root = RentedWords.RentForShare(words);
            greaterWords.Span[..words].CopyTo(root.Span);
            return root;
        }
        finally
        {
            if (ownsLevel)
            {
                greaterWords.Dispose();
                equalWords.Dispose();
            }
        }
    }
}
