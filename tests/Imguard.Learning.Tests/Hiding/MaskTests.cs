using Imguard.Learning.Hiding;
using static Imguard.Learning.Tests.Hiding.HidingTestSupport;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>test-properties.md #10-#11, #14-#15: σ is one fair, independent ±1 per scalar, fresh every epoch (spec.md §6).</summary>
public sealed class MaskTests
{
    // D = 3 channels × 16 × 21 pixels (channel-major, C·H·W): channel stride 336, row stride 21.
    private const int Images = 1_000, Channels = 3, Height = 16, Width = 21;
    private const int Scalars = Channels * Height * Width;

    [Fact]
    public void Entries_are_plus_or_minus_one_with_one_per_scalar()
    {
        using var plan = Draw(InstaHideOptions.Default, 50, Scalars, seed: 31);
        Assert.True(plan.HasMask);
        Assert.Equal(50 * Scalars, plan.Masks.Length);
        Assert.Equal(Scalars, plan.MaskOf(49).Length);
        foreach (sbyte sign in plan.Masks)
        {
            Assert.True(sign is 1 or -1, $"mask entry {sign}");
        }
    }

    [Fact]
    public void Signs_are_balanced_and_uncorrelated_across_pixels_channels_words_and_images()
    {
        using var plan = Draw(InstaHideOptions.Default, Images, Scalars, seed: 32);
        var masks = plan.Masks;
        long total = masks.Length; // 1,008,000 entries
        long plus = 0;
        foreach (sbyte sign in masks)
        {
            plus += sign > 0 ? 1 : 0;
        }
        double fraction = plus / (double)total;
        Assert.True(Math.Abs(fraction - 0.5) <= 5 * 0.5 / Math.Sqrt(total), $"fraction of +1 = {fraction}");

        // Mean product of two independent fair signs is 0 with SE 1/√pairs.
        AssertUncorrelated(plan, lag: 1, "neighbouring pixels");
        AssertUncorrelated(plan, lag: Width, "vertical neighbours");
        AssertUncorrelated(plan, lag: Height * Width, "channels of one pixel");
        AssertUncorrelated(plan, lag: 64, "one 64-bit PRG word apart");
        AssertUncorrelated(plan, lag: Scalars, "same scalar of consecutive images");
    }

    [Theory]
    [InlineData(HidingMode.Mixup)]
    [InlineData(HidingMode.Off)]
    public void Mixup_and_Off_have_no_mask(HidingMode mode)
    {
        using var plan = Draw(new InstaHideOptions(mode), 20, 10, seed: 33);
        Assert.False(plan.HasMask);
        Assert.True(plan.Masks.IsEmpty);
        Assert.True(plan.MaskOf(3).IsEmpty);
    }

    [Fact]
    public void Each_epoch_draws_new_randomness()
    {
        const int n = 200, d = 500;
        using var prg = Prg(34);
        using var first = EpochHidingPlan.Draw(InstaHideOptions.Default, n, d, prg);
        using var second = EpochHidingPlan.Draw(InstaHideOptions.Default, n, d, prg);

        long agree = 0;
        for (int t = 0; t < n * d; t++)
        {
            agree += first.Masks[t] == second.Masks[t] ? 1 : 0;
        }
        double agreement = agree / (double)(n * d);
        Assert.True(Math.Abs(agreement - 0.5) <= 5 * 0.5 / Math.Sqrt(n * d), $"mask agreement {agreement} (reference 0.5001)");
        for (int i = 0; i < n; i++)
        {
            Assert.False(first.CoefficientsOf(i).SequenceEqual(second.CoefficientsOf(i)), $"λ row {i} repeated");
        }
        Assert.False(first.Partners.SequenceEqual(second.Partners));
        Assert.False(first.Order.SequenceEqual(second.Order));
    }

    [Fact]
    public void A_seed_reproduces_its_plan_and_fresh_seeds_give_different_masks()
    {
        using var a = Draw(InstaHideOptions.Default, 30, 40, seed: 35);
        using var b = Draw(InstaHideOptions.Default, 30, 40, seed: 35);
        Assert.True(a.Coefficients.SequenceEqual(b.Coefficients));
        Assert.True(a.Partners.SequenceEqual(b.Partners));
        Assert.True(a.Masks.SequenceEqual(b.Masks));
        Assert.True(a.Order.SequenceEqual(b.Order));

        using var prgC = new Imguard.Mpc.Randomness.AesCtrPrg(Imguard.Mpc.Randomness.Seed.Random());
        using var prgD = new Imguard.Mpc.Randomness.AesCtrPrg(Imguard.Mpc.Randomness.Seed.Random());
        using var c = EpochHidingPlan.Draw(InstaHideOptions.Default, 30, 40, prgC);
        using var d = EpochHidingPlan.Draw(InstaHideOptions.Default, 30, 40, prgD);
        Assert.False(c.Masks.SequenceEqual(d.Masks));
    }

    private static void AssertUncorrelated(EpochHidingPlan plan, int lag, string what)
    {
        var masks = plan.Masks;
        long pairs = masks.Length - lag;
        long sum = 0;
        for (int t = 0; t < pairs; t++)
        {
            sum += masks[t] * masks[t + lag];
        }
        double correlation = sum / (double)pairs;
        Assert.True(Math.Abs(correlation) <= 5 / Math.Sqrt(pairs), $"{what}: sign correlation {correlation}");
    }
}
