using CsCheck;
using Imguard.Platform.Jobs;

namespace Imguard.Platform.Tests.Jobs;

public sealed class ProgressSlotsTests
{
    [Fact]
    public void A_job_of_up_to_the_limit_keeps_every_step_and_twenty_fashion_mnist_epochs_fit()
    {
        // 60,000 images at batch 128: 469 steps an epoch.
        Assert.Equal(1, ProgressSlots.Stride(20 * 469, JobService.MaxProgressPoints));
        Assert.Equal(1, ProgressSlots.Stride(JobService.MaxProgressPoints, JobService.MaxProgressPoints));
        Assert.Equal(2, ProgressSlots.Stride(JobService.MaxProgressPoints + 1, JobService.MaxProgressPoints));
        Assert.Equal([1L, 1, 2, 10], new long[] { 0, 1, 2, 10 }.Select(step => ProgressSlots.Slot(step, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProgressSlots.Stride(10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProgressSlots.Slot(10, 0));
    }

    [Fact]
    public void Any_job_fits_its_steps_into_the_limit_in_slots_of_equal_width()
    {
        Gen.Select(Gen.OneOf(Gen.Long[0, 100_000], Gen.Long[0, long.MaxValue]), Gen.Int[1, JobService.MaxProgressPoints], Gen.Long[0, long.MaxValue]).Sample((total, max, r) =>
        {
            long stride = ProgressSlots.Stride(total, max);
            long last = ProgressSlots.Slot(total, stride);
            long step = total == 0 ? 0 : 1 + r % total;
            long slot = ProgressSlots.Slot(step, stride);
            // At most max slots; every step in [1, total] falls in one of them; a slot is `stride` consecutive steps
            // (the last may be shorter); a stride above 1 only when the steps do not fit one per slot.
            return last <= max && slot >= 1 && slot <= last
                && (step == 0 || (slot - 1) * (System.Int128)stride < step && step <= slot * (System.Int128)stride)
                && (stride == 1 || total > max);
        }, iter: 20_000);
    }
}
