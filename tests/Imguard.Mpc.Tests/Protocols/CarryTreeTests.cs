using Imguard.Mpc.Protocols;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class CarryTreeTests
{
    [Theory]
    [InlineData(1, 0, 0, 0)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(3, 2, 2, 2)]
    [InlineData(31, 30, 55, 5)]
    [InlineData(63, 62, 118, 6)]
    public void Size_counts_combinations_ands_and_levels(int leaves, int combinations, int ands, int levels)
    {
        Assert.Equal((combinations, ands, levels), CarryTree.Size(leaves));
        Assert.Equal(ands, CarryTree.AndCombinations(leaves).Length);
    }

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(2, 1, 1)]
    [InlineData(31, 15, 16)]
    [InlineData(63, 31, 32)]
    public void The_first_level_pairs_the_leaves_and_leaves_an_odd_one_for_the_tree(int leaves, int pairs, int treeLeaves)
    {
        Assert.Equal(pairs, CarryTree.LocalPairs(leaves));
        Assert.Equal(treeLeaves, CarryTree.TreeLeaves(leaves));
        Assert.Equal((15, 26, 4), CarryTree.Size(CarryTree.TreeLeaves(31)));   // what a 32-bit comparison opens online
    }

    /// <summary>
    /// The local first level's formulas (BinaryComparison.FirstLevel) in plaintext: with π = ρ_hi∧ρ_lo and ¬c public,
    /// ¬c_lo∧(π ⊕ ¬c_hi∧ρ_lo) is E_hi∧G_lo and π ⊕ ¬c_lo∧ρ_hi ⊕ ¬c_hi∧ρ_lo ⊕ ¬c_hi∧¬c_lo is E_hi∧E_lo, for all 16 inputs.
    /// </summary>
    [Fact]
    public void The_local_first_level_equals_the_and_gates_it_replaces()
    {
        for (int inputs = 0; inputs < 16; inputs++)
        {
            bool cLo = (inputs & 1) != 0, cHi = (inputs & 2) != 0, rLo = (inputs & 4) != 0, rHi = (inputs & 8) != 0;
            bool gLo = rLo && !cLo, eLo = rLo == cLo, gHi = rHi && !cHi, eHi = rHi == cHi;
            bool pi = rHi && rLo;
            Assert.Equal(gHi ^ (eHi && gLo), gHi ^ (!cLo && (pi ^ (!cHi && rLo))));
            Assert.Equal(eHi && eLo, pi ^ (!cLo && rHi) ^ (!cHi && rLo) ^ (!cHi && !cLo));
        }
    }

    /// <summary>The tree's algebra in plaintext, with the same pairing and the same skipped E at index 0: 1{c &lt; ρ} for all small c, ρ.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void The_tree_computes_less_than_for_every_pair_of_small_values(int bits)
    {
        for (int c = 0; c < 1 << bits; c++)
        {
            for (int rho = 0; rho < 1 << bits; rho++)
            {
                var g = new bool?[bits];
                var e = new bool?[bits];
                for (int i = 0; i < bits; i++)
                {
                    bool ci = ((c >> i) & 1) == 1, ri = ((rho >> i) & 1) == 1;
                    (g[i], e[i]) = (ri && !ci, ri == ci);
                }
                int count = bits;
                while (count > 1)
                {
                    int pairs = count / 2, next = CarryTree.Next(count);
                    var ng = new bool?[next];
                    var ne = new bool?[next];
                    for (int k = 0; k < pairs; k++)
                    {
                        ng[k] = g[2 * k + 1]!.Value ^ (e[2 * k + 1]!.Value & g[2 * k]!.Value);
                        ne[k] = k == 0 ? null : e[2 * k + 1]!.Value & e[2 * k]!.Value;   // never read at index 0
                    }
                    if ((count & 1) == 1)
                    {
                        (ng[pairs], ne[pairs]) = (g[count - 1], e[count - 1]);
                    }
                    (g, e, count) = (ng, ne, next);
                }
                Assert.Equal(c < rho, g[0]!.Value);
            }
        }
    }
}
