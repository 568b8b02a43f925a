// What: uniform doubles, unbiased bounded integers and standard normals drawn from the AES-CTR PRG.
// Source: 53-bit doubles as in Java/numpy `random()`; bounded integers by Lemire, "Fast random integer generation in an
// interval" (ACM TOMACS 2019), multiply-shift with rejection (no modulo bias); normals by the Marsaglia–Bray polar
// method (Math. Comp. 1964). Used for spec.md §3 (λ), §4a (permutations) and §6 (masks).
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Hiding;

/// <summary>
/// Distributions over one <see cref="AesCtrPrg"/> stream. Deterministic for a given PRG state; holds the second
/// normal of each polar pair as a spare, so create one sampler per draw and do not share it.
/// </summary>
internal sealed class PrgSampler(AesCtrPrg prg)
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);
    private double _spareNormal;
    private bool _hasSpare;

    public AesCtrPrg Prg { get; } = prg;

    /// <summary>Uniform on [0, 1) with 53 random bits: (w &gt;&gt; 11) · 2^-53.</summary>
    public double NextUnitDouble() => (Prg.NextUInt64() >> 11) * TwoToMinus53;

    /// <summary>Uniform integer in [0, <paramref name="bound"/>) without modulo bias (Lemire's multiply-shift with rejection).</summary>
    public int NextBelow(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong n = (ulong)bound;
        ulong high = Math.BigMul(Prg.NextUInt64(), n, out ulong low);
        if (low < n)
        {
            // Reject the (2^64 mod n) low products that would over-represent some results.
            ulong threshold = (0UL - n) % n;
            while (low < threshold)
            {
                high = Math.BigMul(Prg.NextUInt64(), n, out low);
            }
        }
        return (int)high;
    }

    /// <summary>Standard normal N(0, 1) by the Marsaglia polar method; the pair's second value is kept for the next call.</summary>
    public double NextStandardNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextUnitDouble() - 1.0; // [-1, 1)
            v = 2.0 * NextUnitDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);
        double factor = Math.Sqrt(-2.0 * Math.Log(s) / s); // x = u·√(−2 ln s / s), y = v·√(−2 ln s / s)
        _spareNormal = v * factor;
        _hasSpare = true;
        return u * factor;
    }

    /// <summary>Uniform random permutation of 0..n−1 into <paramref name="destination"/> (Fisher–Yates, Durstenfeld's form).</summary>
    public void Permutation(Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = i;
        }
        for (int i = destination.Length - 1; i > 0; i--)
        {
            int j = NextBelow(i + 1);
            (destination[i], destination[j]) = (destination[j], destination[i]);
        }
    }
}
