using System.Diagnostics;

namespace Imguard.Cli.Bench;

/// <summary>Medians of timed runs, the one statistic every benchmark figure reports.</summary>
internal static class Timing
{
    /// <summary>The median (upper median for an even count) of <paramref name="values"/>.</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No measurements.", nameof(values));
        }
        return sorted[sorted.Length / 2];
    }

    /// <summary>Runs <paramref name="action"/> once to warm up, then <paramref name="runs"/> times; the median in milliseconds.</summary>
    public static double MedianMilliseconds(Action action, int runs = 15)
    {
        action();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return Median(times);
    }
}
