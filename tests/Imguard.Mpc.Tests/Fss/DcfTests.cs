using Imguard.Mpc.Fss;

namespace Imguard.Mpc.Tests.Fss;

public sealed class DcfTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 2)]
    public void Shares_add_up_to_beta_below_alpha_and_zero_elsewhere_for_every_input(int bits, int payloadWords)
    {
        var rng = new Random(7);
        ulong domain = 1UL << bits;
        for (ulong alpha = 0; alpha < domain; alpha++)
        {
            var betas = new ulong[payloadWords];
            for (int c = 0; c < payloadWords; c++) betas[c] = (ulong)rng.NextInt64();
            var (roots0, roots1, cw) = Generate(bits, payloadWords, [alpha], betas, rng);
            for (ulong u = 0; u < domain; u++)
            {
                var y0 = new ulong[payloadWords];
                var y1 = new ulong[payloadWords];
                Dcf.Evaluate(0, bits, payloadWords, roots0, cw, [u], y0);
                Dcf.Evaluate(1, bits, payloadWords, roots1, cw, [u], y1);
                for (int c = 0; c < payloadWords; c++)
                {
                    Assert.Equal(u < alpha ? betas[c] : 0UL, unchecked(y0[c] + y1[c]));
                }
            }
        }
    }

    [Theory]
    [InlineData(31)]
    [InlineData(63)]
    [InlineData(64)]
    public void Wide_domains_compare_correctly_in_a_batch_including_edges(int bits)
    {
        var rng = new Random(11);
        ulong max = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        const int count = 203; // not a multiple of the 4 evaluation lanes
        var alphas = new ulong[count];
        var inputs = new ulong[count];
        for (int e = 0; e < count; e++)
        {
            alphas[e] = (ulong)rng.NextInt64() & max;
            inputs[e] = (e % 5) switch
            {
                0 => alphas[e],
                1 => unchecked(alphas[e] - 1) & max,
                2 => unchecked(alphas[e] + 1) & max,
                3 => e % 2 == 0 ? 0 : max,
                _ => (ulong)rng.NextInt64() & max,
            };
        }
        var betas = new ulong[count * 2];
        for (int i = 0; i < betas.Length; i++) betas[i] = (ulong)rng.NextInt64();
        var (roots0, roots1, cw) = Generate(bits, 2, alphas, betas, rng);
        var y0 = new ulong[count * 2];
        var y1 = new ulong[count * 2];
        Dcf.Evaluate(0, bits, 2, roots0, cw, inputs, y0);
        Dcf.Evaluate(1, bits, 2, roots1, cw, inputs, y1);
        for (int e = 0; e < count; e++)
        {
            for (int c = 0; c < 2; c++)
            {
                Assert.Equal(inputs[e] < alphas[e] ? betas[2 * e + c] : 0UL, unchecked(y0[2 * e + c] + y1[2 * e + c]));
            }
        }
    }

    [Fact]
    public void Rejects_inconsistent_lengths() =>
        Assert.Throws<ArgumentException>(() => Dcf.Evaluate(0, 8, 1, new ulong[2], new ulong[3], new ulong[1], new ulong[1]));

    private static (ulong[] Roots0, ulong[] Roots1, ulong[] Corrections) Generate(int bits, int m, ulong[] alphas, ulong[] betas, Random rng)
    {
        var roots0 = new ulong[2 * alphas.Length];
        var roots1 = new ulong[2 * alphas.Length];
        for (int i = 0; i < roots0.Length; i++)
        {
            roots0[i] = (ulong)rng.NextInt64();
            roots1[i] = (ulong)rng.NextInt64();
        }
        var cw = new ulong[alphas.Length * Dcf.CorrectionWords(bits, m)];
        Dcf.Generate(bits, m, alphas, betas, roots0, roots1, cw);
        return (roots0, roots1, cw);
    }
}
