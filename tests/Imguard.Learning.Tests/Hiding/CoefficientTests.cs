using Imguard.Learning.Hiding;
using Xunit.Abstractions;
using static Imguard.Learning.Tests.Hiding.HidingTestSupport;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>test-properties.md #1, #2, #4, #5: λ is the reference sampler of spec.md §3 (|N(0,1)| normalized, whole-row rejection).</summary>
public sealed class CoefficientTests(ITestOutputHelper output)
{
    private const int Rows = 40_000;

    private void Check(double reference, double measured, double standardError, string what, double referenceRounding = 0.0005)
    {
        output.WriteLine($"{what}: measured {measured:F4} ± {standardError:F4} (SE), reference {reference}");
        AssertNear(reference, measured, standardError, what, referenceRounding);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void Every_row_is_on_the_simplex_and_below_the_upper_bound(int k)
    {
        using var plan = Draw(new InstaHideOptions(HidingMode.InstaHide, k), 5_000, 1, seed: (ulong)k);
        Assert.Equal(k, plan.K);
        for (int i = 0; i < plan.Count; i++)
        {
            var row = plan.CoefficientsOf(i);
            Assert.Equal(k, row.Length);
            double sum = 0;
            foreach (double lambda in row)
            {
                Assert.True(lambda >= 0.0);
                Assert.True(lambda <= 0.65);
                sum += lambda;
            }
            Assert.True(Math.Abs(sum - 1.0) <= 1e-12, $"row {i} sums to {sum}");
        }
    }

    [Fact]
    public void K_two_keeps_both_coefficients_between_035_and_065()
    {
        using var plan = Draw(new InstaHideOptions(HidingMode.Mixup, 2), 5_000, 1, seed: 21);
        foreach (double lambda in plan.Coefficients)
        {
            Assert.InRange(lambda, 0.35 - 1e-12, 0.65);
        }
    }

    [Fact]
    public void K_one_is_lambda_one_without_rejection()
    {
        using var plan = Draw(new InstaHideOptions(HidingMode.InstaHide, 1), 100, 3, seed: 1);
        Assert.All(plan.Coefficients.ToArray(), lambda => Assert.Equal(1.0, lambda));
        Assert.Equal(100, plan.CoefficientDraws);
    }

    [Fact]
    public void K_four_matches_the_reference_statistics()
    {
        using var plan = Draw(new InstaHideOptions(HidingMode.Mixup, 4), Rows, 1, seed: 4004);
        var rows = Enumerable.Range(0, Rows).Select(i => plan.CoefficientsOf(i).ToArray()).ToArray();

        for (int slot = 0; slot < 4; slot++)
        {
            var values = rows.Select(r => r[slot]).ToArray();
            Check(0.25, Mean(values), StandardError(values), $"E[λ_{slot}] (slot 0 not favoured)", referenceRounding: 0);
        }
        var first = rows.Select(r => r[0]).ToArray();
        Check(0.152, StandardDeviation(first), StandardErrorOfSd(first), "sd(λ_0)");
        var max = rows.Select(r => r.Max()).ToArray();
        Check(0.450, Mean(max), StandardError(max), "E[max λ]");
        var above = first.Select(v => v > 0.5 ? 1.0 : 0.0).ToArray();
        Check(0.070, Mean(above), StandardError(above), "P(λ_0 > 0.5)");
        var squares = rows.Select(r => r.Sum(v => v * v)).ToArray();
        Check(0.343, Mean(squares), StandardError(squares), "E[Σλ²]");

        double acceptance = Rows / (double)plan.CoefficientDraws;
        Check(0.928, acceptance, Math.Sqrt(0.928 * 0.072 / plan.CoefficientDraws), "acceptance rate");
    }

    [Fact]
    public void K_two_matches_the_reference_statistics()
    {
        using var plan = Draw(new InstaHideOptions(HidingMode.Mixup, 2), Rows, 1, seed: 2002);
        var max = Enumerable.Range(0, Rows).Select(i => Math.Max(plan.CoefficientsOf(i)[0], plan.CoefficientsOf(i)[1])).ToArray();
        Check(0.574, Mean(max), StandardError(max), "E[max λ], k=2");
        double acceptance = Rows / (double)plan.CoefficientDraws;
        Check(0.371, acceptance, Math.Sqrt(0.371 * 0.629 / plan.CoefficientDraws), "acceptance rate, k=2");
    }

    [Fact]
    public void K_six_matches_the_reference_maximum()
    {
        using var plan = Draw(new InstaHideOptions(HidingMode.Mixup, 6), 20_000, 1, seed: 6006);
        var max = Enumerable.Range(0, plan.Count).Select(i => plan.CoefficientsOf(i).ToArray().Max()).ToArray();
        Check(0.351, Mean(max), StandardError(max), "E[max λ], k=6");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Rejection_redraws_the_whole_row_so_there_is_no_point_mass_at_the_bound(int k)
    {
        using var plan = Draw(new InstaHideOptions(HidingMode.Mixup, k), Rows, 1, seed: 500 + (ulong)k);
        var max = Enumerable.Range(0, Rows).Select(i => plan.CoefficientsOf(i).ToArray().Max()).ToArray();

        // Clipping or capping-then-renormalizing puts many values exactly on (or within rounding of) 0.65.
        Assert.Equal(0, max.Count(v => Math.Abs(v - 0.65) < 1e-9));
        // The density of max λ is continuous at the bound: the last two 0.01-wide bins hold similar counts
        // (a point mass would make the last bin far heavier).
        long last = max.Count(v => v > 0.64);
        long previous = max.Count(v => v > 0.63 && v <= 0.64);
        Assert.True(last > 0 && previous > 0);
        double z = (last - previous) / Math.Sqrt(last + previous);
        Assert.True(z < 5, $"last bin {last} vs previous {previous}");
    }

    [Fact]
    public void A_bound_barely_above_one_over_K_fails_clearly_instead_of_looping()
    {
        using var prg = Prg(9);
        var error = Assert.Throws<InvalidOperationException>(
            () => EpochHidingPlan.Draw(new InstaHideOptions(HidingMode.InstaHide, 4, 0.2501), 10, 1, prg));
        Assert.Contains("UpperBound", error.Message, StringComparison.Ordinal);
    }
}
