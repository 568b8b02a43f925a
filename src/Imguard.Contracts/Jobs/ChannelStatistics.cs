namespace Imguard.Contracts.Jobs;

/// <summary>
/// What a job standardised over the union opened (<see cref="JobStandardization"/>): per channel the mean and the
/// population standard deviation of x/255 over every training image of every owner, and how many values per channel
/// they cover. The parties compute them from the two opened sums Σx and Σx² per channel; party 0 reports them with its
/// first progress report (<see cref="JobProgressReport.Standardization"/>), the platform records them in the job
/// (<see cref="JobStandardizationView"/>) and the recipients' clients standardise with them (inference, ONNX export).
/// </summary>
public sealed record ChannelStatistics(IReadOnlyList<double> Mean, IReadOnlyList<double> Std, long ValuesPerChannel)
{
    /// <summary>Problems, or null: one finite mean and one positive finite deviation per channel (1 to 64), a positive count.</summary>
    public string? Check()
    {
        if (Mean is null || Std is null || Mean.Count is < 1 or > 64 || Mean.Count != Std.Count)
        {
            return "the statistics carry one mean and one standard deviation per channel (1 to 64 channels).";
        }
        if (Mean.Any(m => !double.IsFinite(m)) || Std.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            return "every mean is finite and every standard deviation positive and finite.";
        }
        return ValuesPerChannel < 1 ? "the statistics cover at least one value per channel." : null;
    }

    /// <summary>Content equality (a record compares the lists by reference).</summary>
    public bool Equals(ChannelStatistics? other) =>
        other is not null && ValuesPerChannel == other.ValuesPerChannel && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    public override int GetHashCode() => HashCode.Combine(ValuesPerChannel, Mean.Count);
}

/// <summary>
/// A job's standardisation as its view shows it: <c>mode</c> (<see cref="JobStandardizationModes"/>) and, once the
/// parties opened them for a union job (or for an inference job, its model job's), the <c>statistics</c> — public to
/// every participant of the job.
/// </summary>
public sealed record JobStandardizationView(string Mode, ChannelStatistics? Statistics);
