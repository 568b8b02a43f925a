namespace Imguard.Platform.Jobs;

/// <summary>
/// Where a job's progress reports are kept: its steps are cut into at most a given number of slots of
/// <see cref="Stride"/> steps each, and a job keeps one point per slot (the latest report in it). Up to that many
/// steps every report is kept (stride 1); a longer job is thinned evenly over its whole length, never cut off.
/// </summary>
public static class ProgressSlots
{
    /// <summary>The steps per slot for a job of <paramref name="totalSteps"/> steps and at most <paramref name="maxPoints"/> slots.</summary>
    public static long Stride(long totalSteps, int maxPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        return Math.Max(1, CeilingDivide(totalSteps, maxPoints));
    }

    /// <summary>The slot of <paramref name="step"/>: 1 to ceil(total / stride) (step 0, nothing done yet, shares slot 1).</summary>
    public static long Slot(long step, long stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        return Math.Max(1, CeilingDivide(step, stride));
    }

    // Without overflow for any non-negative long.
    private static long CeilingDivide(long value, long divisor) => value / divisor + (value % divisor > 0 ? 1 : 0);
}
