using Imguard.Contracts.Datasets;

namespace Imguard.Contracts.Jobs;

/// <summary>
/// How a job's inputs are standardised (docs/multi-owner.md, "One standardisation for the union"), part of the
/// <see cref="JobDescription"/> and of the consent terms every owner signs.
/// <para><see cref="JobStandardizationModes.AsShared"/>: the values are used as their owners' clients shared them (each
/// dataset standardised with its owner's own statistics, which never leave the owner's device): a job on one owner's
/// data.</para>
/// <para><see cref="JobStandardizationModes.Union"/>: at the job's start the parties map every dataset to x/255 on
/// shares (a raw one as it is, a disclosed one by its public scale and shift), compute Σx and Σx² per channel over the
/// whole union of training sets on shares and open only those two numbers per channel, and standardise every training
/// and test value with the union's mean and deviation (a public affine map on shares). The job records them
/// (<see cref="ChannelStatistics"/>); its recipients' clients use them for inference and the ONNX export. No per-owner
/// statistic is opened, except those an owner disclosed. An inference job applies its model job's recorded
/// statistics the same way.</para>
/// </summary>
public sealed record JobStandardization
{
    /// <summary>The most datasets a job's standardisation names (as many as its consent may).</summary>
    public const int MaxDatasets = Consent.JobConsent.MaxEntries;

    /// <summary><see cref="JobStandardizationModes.AsShared"/> or <see cref="JobStandardizationModes.Union"/>.</summary>
    public required string Mode { get; init; }

    /// <summary>Every dataset of the job (training sets in union order, then the test set) with its owner's scaling, as the platform recorded it at registration.</summary>
    public required IReadOnlyList<DatasetScaling> Datasets { get; init; }

    /// <summary>
    /// The mode for a job over <paramref name="trainingSets"/> (how many) whose datasets have <paramref name="scalings"/>:
    /// <see cref="JobStandardizationModes.Union"/> when it trains on more than one dataset or any dataset is not scaled
    /// with its owner's own undisclosed statistics; otherwise <see cref="JobStandardizationModes.AsShared"/>.
    /// </summary>
    public static string ModeFor(int trainingSets, IEnumerable<PixelScaling> scalings)
    {
        ArgumentNullException.ThrowIfNull(scalings);
        return trainingSets > 1 || scalings.Any(s => s.Kind != PixelScalings.Own) ? JobStandardizationModes.Union : JobStandardizationModes.AsShared;
    }

    /// <summary>
    /// Problems of shape, or null: the mode is known, each dataset named once with a valid scaling for
    /// <paramref name="channels"/> channels (null: any), and a union job has no undisclosed dataset.
    /// </summary>
    public string? Check(int? channels = null)
    {
        if (Mode is not (JobStandardizationModes.AsShared or JobStandardizationModes.Union))
        {
            return $"the standardisation mode must be '{JobStandardizationModes.AsShared}' or '{JobStandardizationModes.Union}'.";
        }
        if (Datasets is null || Datasets.Count == 0 || Datasets.Count > MaxDatasets || Datasets.Any(d => d is null || string.IsNullOrEmpty(d.DatasetId) || d.Scaling is null))
        {
            return $"the standardisation names every dataset of the job (1 to {MaxDatasets}) with its scaling.";
        }
        if (Datasets.Select(d => d.DatasetId).Distinct(StringComparer.Ordinal).Count() != Datasets.Count)
        {
            return "the standardisation names a dataset twice.";
        }
        if (Datasets.Select(d => d.Scaling.Check(channels)).FirstOrDefault(p => p is not null) is { } problem)
        {
            return problem;
        }
        if (Mode == JobStandardizationModes.Union && Datasets.FirstOrDefault(d => !d.Scaling.JoinsUnion) is { } own)
        {
            return $"dataset '{own.DatasetId}' was standardised with its owner's own statistics, which a job standardised over the union cannot use: "
                + "its owner shares it again with raw pixels or discloses its statistics.";
        }
        if (Mode == JobStandardizationModes.AsShared && Datasets.FirstOrDefault(d => d.Scaling.Kind != PixelScalings.Own) is { } other)
        {
            return $"dataset '{other.DatasetId}' is scaled '{other.Scaling.Kind}': a job that uses its datasets as shared needs every one standardised by its owner.";
        }
        return null;
    }

    /// <summary>The scaling of <paramref name="datasetId"/>, or null when the standardisation does not name it.</summary>
    public PixelScaling? ScalingOf(string datasetId) => Datasets.FirstOrDefault(d => d.DatasetId == datasetId)?.Scaling;

    /// <summary>Content equality (a record compares the list by reference).</summary>
    public bool Equals(JobStandardization? other) =>
        other is not null && Mode == other.Mode && Datasets.SequenceEqual(other.Datasets);

    public override int GetHashCode() => HashCode.Combine(Mode, Datasets.Count);
}

/// <summary>One dataset of a job and how its owner scaled it.</summary>
public sealed record DatasetScaling(string DatasetId, PixelScaling Scaling);

/// <summary>The names of <see cref="JobStandardization.Mode"/>.</summary>
public static class JobStandardizationModes
{
    public const string AsShared = "as-shared";
    public const string Union = "union";
}
