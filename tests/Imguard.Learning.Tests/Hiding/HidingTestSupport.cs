using Imguard.Learning.Hiding;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>Fixed-seed plans and the small statistics the property tests need.</summary>
internal static class HidingTestSupport
{
    public static AesCtrPrg Prg(ulong seed) => new(new Seed(seed, 0x1b5a_7e3c_9d2f_4a61UL));

    public static EpochHidingPlan Draw(InstaHideOptions options, int count, int scalars, ulong seed)
    {
        using var prg = Prg(seed);
        return EpochHidingPlan.Draw(options, count, scalars, prg);
    }

    public static double Mean(IReadOnlyList<double> values) => values.Average();

    /// <summary>Standard error of the sample mean.</summary>
    public static double StandardError(IReadOnlyList<double> values)
    {
        double mean = Mean(values);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return Math.Sqrt(variance / values.Count);
    }

    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        double mean = Mean(values);
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Delta-method standard error of the sample standard deviation: √((μ4 − σ⁴) / (4σ²n)).</summary>
    public static double StandardErrorOfSd(IReadOnlyList<double> values)
    {
        double mean = Mean(values);
        double m2 = values.Sum(v => Math.Pow(v - mean, 2)) / values.Count;
        double m4 = values.Sum(v => Math.Pow(v - mean, 4)) / values.Count;
        return Math.Sqrt((m4 - m2 * m2) / (4 * m2 * values.Count));
    }

    /// <summary>
    /// Asserts |measured − reference| ≤ 5 standard errors plus half a unit in the last printed digit of the reference
    /// (the reference values of test-properties.md are rounded to 3 decimals).
    /// </summary>
    public static void AssertNear(double reference, double measured, double standardError, string what, double referenceRounding = 0.0005)
    {
        double tolerance = 5 * standardError + referenceRounding;
        Assert.True(
            Math.Abs(measured - reference) <= tolerance,
            $"{what}: measured {measured:F5}, reference {reference}, tolerance {tolerance:F5}");
    }

    /// <summary>Pearson chi-square statistic of observed counts against a uniform expectation.</summary>
    public static double ChiSquareUniform(IReadOnlyList<long> counts)
    {
        double expected = counts.Sum() / (double)counts.Count;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }
}
