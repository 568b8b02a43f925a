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
