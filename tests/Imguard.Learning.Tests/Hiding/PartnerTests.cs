using Imguard.Learning.Hiding;
using static Imguard.Learning.Tests.Hiding.HidingTestSupport;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>test-properties.md #6-#7: slot 0 is the image itself; slot j ≥ 1 is an independent uniform permutation (spec.md §4a).</summary>
public sealed class PartnerTests
{
    [Theory]
    [InlineData(HidingMode.InstaHide, 4)]
    [InlineData(HidingMode.Mixup, 3)]
    [InlineData(HidingMode.InstaHide, 1)]
    public void Slot_zero_is_the_image_itself(HidingMode mode, int k)
    {
        using var plan = Draw(new InstaHideOptions(mode, k), 257, 2, seed: 11);
        for (int i = 0; i < plan.Count; i++)
        {
            Assert.Equal(i, plan.PartnersOf(i)[0]);
        }
    }

    [Fact]
    public void Every_image_is_used_exactly_K_times_per_epoch_once_per_slot()
    {
        const int n = 1_001, k = 4;
        using var plan = Draw(new InstaHideOptions(HidingMode.InstaHide, k), n, 1, seed: 12);
        var uses = new int[n];
        foreach (int partner in plan.Partners)
        {
            uses[partner]++;
        }
        Assert.All(uses, count => Assert.Equal(k, count));
        for (int slot = 0; slot < k; slot++)
        {
            var column = Enumerable.Range(0, n).Select(i => plan.PartnersOf(i)[slot]).ToArray();
            Assert.Equal(Enumerable.Range(0, n), column.Order());
        }
    }

    [Fact]
    public void Slot_permutations_are_independent_of_each_other_and_not_the_identity()
    {
        const int n = 1_000;
        using var plan = Draw(new InstaHideOptions(HidingMode.InstaHide, 4), n, 1, seed: 13);
        var columns = Enumerable.Range(1, 3).Select(slot => Enumerable.Range(0, n).Select(i => plan.PartnersOf(i)[slot]).ToArray()).ToArray();
        foreach (var column in columns)
        {
            // A uniform permutation has Poisson(1) fixed points.
            Assert.InRange(Enumerable.Range(0, n).Count(i => column[i] == i), 0, 10);
        }
        // Two independent permutations agree at Poisson(1) positions.
        Assert.InRange(Enumerable.Range(0, n).Count(i => columns[0][i] == columns[1][i]), 0, 10);
        Assert.InRange(Enumerable.Range(0, n).Count(i => columns[1][i] == columns[2][i]), 0, 10);
    }

    [Fact]
    public void Every_permutation_of_four_images_is_equally_likely()
    {
        // A biased shuffle (e.g. swapping with any j in 0..N−1) fails this chi-square test by a wide margin.
        const int plans = 24_000;
        using var prg = Prg(14);
        var partnerCounts = new long[24];
        var orderCounts = new long[24];
        var options = new InstaHideOptions(HidingMode.Mixup, 2);
        for (int p = 0; p < plans; p++)
        {
            using var plan = EpochHidingPlan.Draw(options, 4, 1, prg);
            partnerCounts[Rank(Enumerable.Range(0, 4).Select(i => plan.PartnersOf(i)[1]).ToArray())]++;
            orderCounts[Rank(plan.Order.ToArray())]++;
        }
        // 23 degrees of freedom: mean 23, sd 6.8; 60 is beyond the 1e-5 tail.
        Assert.True(ChiSquareUniform(partnerCounts) < 60, $"partner chi-square {ChiSquareUniform(partnerCounts)}");
        Assert.True(ChiSquareUniform(orderCounts) < 60, $"order chi-square {ChiSquareUniform(orderCounts)}");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    public void Bounded_integers_are_uniform(int bound)
    {
        using var prg = Prg(15);
        var sampler = new PrgSampler(prg);
        var counts = new long[bound];
        for (int i = 0; i < 70_000; i++)
        {
            counts[sampler.NextBelow(bound)]++;
        }
        // bound − 1 ≤ 6 degrees of freedom; 35 is beyond the 1e-5 tail.
        Assert.True(ChiSquareUniform(counts) < 35, $"chi-square {ChiSquareUniform(counts)}");
    }

    [Fact]
    public void Bounded_integers_stay_in_range_for_large_bounds()
    {
        using var prg = Prg(16);
        var sampler = new PrgSampler(prg);
        int bound = int.MaxValue - 5;
        long high = 0;
        for (int i = 0; i < 10_000; i++)
        {
            int value = sampler.NextBelow(bound);
            Assert.InRange(value, 0, bound - 1);
            high += value > bound / 2 ? 1 : 0;
        }
        Assert.InRange(high, 4_750, 5_250);
        Assert.Equal(0, sampler.NextBelow(1));
    }

    private static int Rank(int[] permutation)
    {
        // Lehmer code of a permutation of 0..3 → 0..23.
        int rank = 0;
        for (int i = 0; i < permutation.Length; i++)
        {
            int smaller = 0;
            for (int j = i + 1; j < permutation.Length; j++)
            {
                smaller += permutation[j] < permutation[i] ? 1 : 0;
            }
            rank = rank * (permutation.Length - i) + smaller;
        }
        return rank;
    }
}
