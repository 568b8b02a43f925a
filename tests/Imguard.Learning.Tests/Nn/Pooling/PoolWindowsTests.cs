using Imguard.Learning.Nn;

namespace Imguard.Learning.Tests.Nn.Pooling;

public sealed class PoolWindowsTests
{
    [Theory]
    [InlineData(2, 2, 6, 8)]   // non-overlapping (the presets' average pooling)
    [InlineData(3, 1, 5, 6)]   // overlapping windows: an input collects from several outputs
    [InlineData(3, 2, 7, 8)]   // overlapping, and the last column left out of every window
    public void SpreadAdd_adds_what_visiting_every_window_element_adds(int k, int stride, int h, int w)
    {
        var windows = PoolWindows.Of([2, 3, h, w], k, stride);
        var rng = new Random(k * 100 + stride);
        var outputs = Enumerable.Range(0, windows.OutputLength).Select(_ => (ulong)rng.NextInt64()).ToArray();
        var start = Enumerable.Range(0, 2 * 3 * h * w).Select(_ => (ulong)rng.NextInt64()).ToArray();

        var expected = (ulong[])start.Clone();
        windows.ForEach((o, i) => expected[i] = unchecked(expected[i] + outputs[o]));
        var actual = (ulong[])start.Clone();
        windows.SpreadAdd(outputs, actual);

        Assert.Equal(expected, actual);
        Assert.Throws<ArgumentException>(() => windows.SpreadAdd(outputs.AsSpan(1), actual));
    }
}
