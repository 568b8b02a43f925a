using Imguard.Learning.Hiding;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>test-properties.md #2-#3: settings the reference would loop on forever are refused up front.</summary>
public sealed class InstaHideOptionsTests
{
    [Fact]
    public void Defaults_are_the_reference_settings()
    {
        var options = new InstaHideOptions();
        Assert.Equal(HidingMode.InstaHide, options.Mode);
        Assert.Equal(4, options.K);
        Assert.Equal(0.65, options.UpperBound);
        Assert.True(options.HasMask);
        Assert.Equal(options, InstaHideOptions.Default);
    }

    [Theory]
    [InlineData(4, 0.2)]   // the example of test-properties.md #3
    [InlineData(4, 0.25)]  // exactly 1/K: acceptance probability 0
    [InlineData(2, 0.5)]
    [InlineData(3, 1.0 / 3)]
    [InlineData(6, 0.1)]
    public void Upper_bound_at_or_below_one_over_K_is_rejected(int k, double upper)
    {
        var error = Assert.Throws<ArgumentException>(() => new InstaHideOptions(HidingMode.InstaHide, k, upper));
        Assert.Contains("UpperBound", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new InstaHideOptions(HidingMode.Mixup, k, upper));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void K_below_one_is_rejected(int k)
    {
        var error = Assert.Throws<ArgumentException>(() => new InstaHideOptions(HidingMode.InstaHide, k));
        Assert.Contains("K", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Upper_bound_outside_zero_to_one_is_rejected(double upper) =>
        Assert.Throws<ArgumentException>(() => new InstaHideOptions(HidingMode.InstaHide, 4, upper));

    [Fact]
    public void Undefined_mode_is_rejected() =>
        Assert.Throws<ArgumentException>(() => new InstaHideOptions((HidingMode)7));

    [Fact]
    public void K_one_needs_no_rejection_and_accepts_the_default_bound()
    {
        var options = new InstaHideOptions(HidingMode.InstaHide, 1);
        Assert.Equal(1, options.SlotCount);
    }

    [Fact]
    public void Barely_feasible_bound_is_accepted() =>
        Assert.Equal(0.2501, new InstaHideOptions(HidingMode.InstaHide, 4, 0.2501).UpperBound);

    [Fact]
    public void Off_mixes_one_slot_and_masks_nothing()
    {
        Assert.Equal(1, InstaHideOptions.Off.SlotCount);
        Assert.False(InstaHideOptions.Off.HasMask);
        Assert.False(new InstaHideOptions(HidingMode.Mixup).HasMask);
        Assert.Equal(4, new InstaHideOptions(HidingMode.Mixup).SlotCount);
    }
}
