namespace Imguard.Mpc.Protocols;

/// <summary>
/// The shape of the comparison circuit of <see cref="BinaryComparison"/>, which the online protocol and the dealer
/// must agree on: 1{c &lt; ρ} for a public m-bit c and a bit-shared m-bit ρ, as a log-depth tree over the bits.
/// Each bit i is a leaf (G, E) = (ρᵢ ∧ ¬cᵢ, ¬(ρᵢ ⊕ cᵢ)): "ρ is greater here" and "equal here". Adjacent nodes combine,
/// higher over lower, as (G, E) = (G_hi ⊕ E_hi∧G_lo, E_hi∧E_lo) (⊕ suffices for "or": the two terms cannot both be 1);
/// the root's G is the answer. A level pairs nodes (0,1), (2,3), …; an odd last node moves up unchanged.
/// The node that ends at index 0 of a level never needs its E (the root is index 0, and an index-0 node is only ever a
/// lower child or alone), so its combination is one AND; every other combination is two ANDs sharing the operand
/// E_hi, which therefore needs one masked opening, not two.
/// The first level needs no AND online: for the pair (2k, 2k+1) with public c, both E_hi∧G_lo and E_hi∧E_lo are
/// linear in the mask bits and their product π_k = ρ_{2k+1}∧ρ_{2k}, which the dealer (who drew ρ) XOR-shares
/// (<see cref="LocalPairs"/>); the online tree starts from the <see cref="TreeLeaves"/> nodes above it.
/// Sizes for m = 31 (32-bit comparisons): 15 local pairs, then a tree over 16 nodes: 4 levels, 15 combinations,
/// 26 ANDs (the whole tree would be 5 levels, 30 combinations, 55 ANDs).
/// </summary>
internal static class CarryTree
{
    /// <summary>Combinations, ANDs and levels (rounds) of the tree over <paramref name="leaves"/> bits.</summary>
    public static (int Combinations, int Ands, int Levels) Size(int leaves)
    {
        int combinations = 0, ands = 0, levels = 0;
        for (int count = leaves; count > 1; count = Next(count))
        {
            int pairs = count / 2;
            combinations += pairs;
            ands += AndsAtLevel(pairs);
            levels++;
        }
        return (combinations, ands, levels);
    }

    /// <summary>Pairs of the first level, combined locally with the dealer's π_k = ρ_{2k+1}∧ρ_{2k}: ⌊m/2⌋.</summary>
    public static int LocalPairs(int leaves) => leaves / 2;

    /// <summary>Nodes the online tree starts from: the local pairs' results and an odd last leaf (m itself for m ≤ 1).</summary>
    public static int TreeLeaves(int leaves) => leaves <= 1 ? leaves : Next(leaves);

    /// <summary>Nodes at the next level up from <paramref name="count"/>.</summary>
    public static int Next(int count) => count / 2 + (count & 1);

    /// <summary>ANDs of a level with <paramref name="pairs"/> combinations: 1 for the one at index 0, 2 for each other.</summary>
    public static int AndsAtLevel(int pairs) => pairs == 0 ? 0 : 2 * pairs - 1;

    /// <summary>Index, within its level, of the AND that computes E_hi ∧ G_lo for combination k.</summary>
    public static int GreaterAnd(int k) => k == 0 ? 0 : 2 * k - 1;

    /// <summary>Index, within its level, of the AND that computes E_hi ∧ E_lo for combination k ≥ 1.</summary>
    public static int EqualAnd(int k) => 2 * k;

    /// <summary>For every AND of the whole tree, in order, the combination (global index) whose E_hi is its left operand.</summary>
    public static int[] AndCombinations(int leaves)
    {
        var (_, ands, _) = Size(leaves);
        var map = new int[ands];
        int combinationBase = 0, andBase = 0;
        for (int count = leaves; count > 1; count = Next(count))
        {
            int pairs = count / 2;
            for (int k = 0; k < pairs; k++)
            {
                map[andBase + GreaterAnd(k)] = combinationBase + k;
                if (k > 0)
                {
                    map[andBase + EqualAnd(k)] = combinationBase + k;
                }
            }
            combinationBase += pairs;
            andBase += AndsAtLevel(pairs);
        }
        return map;
    }
}
