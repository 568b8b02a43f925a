using System.Globalization;
using Imguard.Client.Datasets;
using Imguard.Client.Storage;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Data;

namespace Imguard.Client.Models;

/// <summary>
/// The statistics a recipient's client standardises a model's inputs with (the ONNX's first nodes, the parameters
/// file): for a model trained over the union (<see cref="JobStandardizationModes.Union"/>) the mean and deviation the
/// parties opened and the job records — the same for every recipient, whatever their own data —; otherwise the
/// training set's own statistics from the owner folder or a named file, as before. <see cref="Source"/> says which, in
/// words, for the output.
/// </summary>
/// <param name="Statistics">The statistics and class names, or null when none are known here (the input is then standardised values).</param>
/// <param name="Source">Where they come from, in words; null when there are none.</param>
public sealed record ModelInputStatistics(DatasetStatistics? Statistics, string? Source)
{
    /// <summary>
    /// For the model of <paramref name="job"/>: the union's statistics when it was standardised over the union (class
    /// names from the owner folder when it keeps those of one of the job's training sets, else none: the indices), else
    /// those of <paramref name="statisticsPath"/> or of the training set kept in <paramref name="owner"/>.
    /// </summary>
    public static ModelInputStatistics For(JobView job, OwnerFolder owner, string? statisticsPath)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(owner);
        if (job.Standardization is not { Mode: JobStandardizationModes.Union } union)
        {
            if (statisticsPath is not null)
            {
                return new ModelInputStatistics(DatasetStatistics.Load(statisticsPath), $"the training set's statistics from {statisticsPath}");
            }
            DatasetStatistics? kept = owner.TryLoadStatistics(job.TrainDatasetId);
            return new ModelInputStatistics(kept, kept is null ? null : $"the statistics of training set {job.TrainDatasetId} from {owner.StatisticsPath(job.TrainDatasetId)}");
        }
        if (statisticsPath is not null)
        {
            throw new ArgumentException($"Job {job.Id} was standardised over the union of its training sets: its model takes the statistics the job " +
                "recorded, not a training set's own; leave out --standardization.");
        }
        if (union.Statistics is not { } opened)
        {
            throw new InvalidOperationException($"Job {job.Id} is standardised over the union, but the platform records no statistics for it yet (the parties open them when training starts).");
        }
        if (opened.Check() is { } problem)
        {
            throw new InvalidDataException($"The statistics the platform records for job {job.Id} are not usable: {problem}");
        }
        IEnumerable<string> trainingSets = [job.TrainDatasetId, .. (job.Datasets ?? []).Where(d => d.Purpose == ConsentPurposes.Train).Select(d => d.DatasetId)];
        IReadOnlyList<string>? classNames = trainingSets.Distinct(StringComparer.Ordinal).Select(owner.TryLoadClassNames).FirstOrDefault(n => n is not null);
        var standardization = new Standardization([.. opened.Mean], [.. opened.Std]);
        return new ModelInputStatistics(new DatasetStatistics(standardization, classNames),
            $"the union's statistics that the parties opened in job {job.Id} (mean={Numbers(opened.Mean)} std={Numbers(opened.Std)}, " +
            $"over {opened.ValuesPerChannel.ToString("N0", CultureInfo.InvariantCulture)} values per channel)");
    }

    /// <summary>Per-channel numbers as the output shows them.</summary>
    public static string Numbers(IEnumerable<double> values) => string.Join(",", values.Select(v => v.ToString("0.######", CultureInfo.InvariantCulture)));
}
