namespace Imguard.Learning.Data;

/// <summary>
/// Per-channel sums over a dataset: n values per channel, Σx and Σx². This is all that <see cref="SecureChannelMoments"/>
/// opens — two numbers per channel over the whole (possibly multi-owner) union, never a per-owner or per-image figure.
/// </summary>
/// <param name="Count">Values per channel (images × height × width).</param>
/// <param name="Sum">Σx per channel.</param>
/// <param name="SumOfSquares">Σx² per channel.</param>
public sealed record ChannelMoments(long Count, double[] Sum, double[] SumOfSquares)
{
    /// <summary>μ = Σx / n per channel.</summary>
    public double[] Mean => [.. Sum.Select(s => s / Count)];

    /// <summary>The population standard deviation √(Σx²/n − μ²) per channel (0 when rounding makes the variance negative).</summary>
    public double[] StandardDeviation => [.. Sum.Zip(SumOfSquares, (s, q) => Math.Sqrt(Math.Max(0, q / Count - (s / Count) * (s / Count))))];
}
