using System.Security.Cryptography;
using System.Text.Json;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Data;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Transport;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>
/// A job standardised over the union (<see cref="JobStandardizationModes.Union"/>; docs/multi-owner.md, "One
/// standardisation for the union") at this party: before the first step of an attempt, every training and test row is
/// mapped to (x − μ)/σ on shares with the union's statistics (<see cref="UnionStandardization"/>), which open 2 numbers
/// per channel. The scalings come from the job description, whose standardisation every owner signed
/// (<see cref="JobConsentCheck"/>). The statistics are saved in the job folder
/// (<see cref="JobFolder.StandardizationPath"/>): an attempt that resumes from a checkpoint reuses them when both
/// parties hold the same (one exchange of 5 words each way), so a model is trained with one standardisation even when a
/// disclosed dataset's last bits differ between attempts; an inference job applies its model job's saved statistics,
/// never numbers from the platform.
/// </summary>
internal static class UnionStandardizationStep
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Whether the job standardises over the union (null or as-shared: the values are used as shared).</summary>
    public static bool Applies(JobDescription description) => description.Standardization?.Mode == JobStandardizationModes.Union;

    /// <summary>
    /// Problems with the job's standardisation for a model of <paramref name="spec"/>'s input, or null: a disclosed
    /// scaling carries one number per input channel, and a union job names every dataset in the job's order.
    /// </summary>
    public static string? Problem(JobDescription description, ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(spec);
        return description.Standardization?.Check(spec.Input[0]) is { } problem ? $"The job's standardisation: {problem}" : null;
    }

    /// <summary>
    /// Training: this attempt's standardised training set and test set. Computes the statistics, or reuses the saved
    /// ones when the attempt resumes from a checkpoint and both parties hold the same.
    /// </summary>
    public static async Task<StandardizedInputs> TrainingAsync(JobFolder folder, JobInputs job, PartySession session, IPeerChannel channel, int resumeEpoch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(session);
        JobStandardization standardization = job.Description.Standardization!;
        int channels = job.Train.ImageShape[0];
        ScaledRows[] runs = TrainingRuns(job, standardization);
        ChannelStatistics? saved = folder.ReadStandardization();
        // Only an attempt that resumes a checkpoint trained with saved statistics may reuse them, and only when the
        // other party saved the same. Both exchange whenever the agreed resume epoch says so, whatever they hold, so
        // they stay in step even if one has lost its file.
        bool reuse = resumeEpoch > 0 && await BothHoldAsync(channel, saved, cancellationToken) && saved is not null;
        ChannelStatistics statistics;
        if (reuse)
        {
            statistics = saved!;
        }
        else
        {
            UnionStatistics opened = await UnionStandardization.ComputeStatisticsAsync(session.Context, Images(job.Train), channels, runs, cancellationToken);
            statistics = new ChannelStatistics([.. opened.Standardization.Mean], [.. opened.Standardization.Std], opened.ValuesPerChannel);
            folder.SaveStandardization(statistics);
        }
        SharedDataset train = await StandardizeAsync(session, job.Train, runs, statistics, cancellationToken);
        SharedDataset? test = null;
        if (job.Test is { } half)
        {
            test = await StandardizeAsync(session, half, [new ScaledRows(0, half.Count, Disclosed(ScalingOf(standardization, job.Description.TestDatasetId!)))],
                statistics, cancellationToken);
        }
        return new StandardizedInputs(train, test, statistics, reuse);
    }

    /// <summary>
    /// Inference with <paramref name="modelJob"/>'s model: when this party's record of the model job holds union
    /// statistics, the images (named in the description with a raw or disclosed scaling) are standardised with them;
    /// otherwise they are used as shared. Both parties check that they hold the same record (one exchange of 5 words).
    /// </summary>
    public static async Task<(SharedDataset Images, ChannelStatistics? Statistics)> InferenceAsync(JobFolder modelJob, JobInputs job, PartySession session,
        IPeerChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelJob);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(session);
        SharedDataset images = job.Test!;
        ChannelStatistics? recorded = modelJob.ReadStandardization();
        if (!await BothHoldAsync(channel, recorded, cancellationToken))
        {
            throw new InvalidDataException($"The parties' records of model job {modelJob.JobId}'s standardisation differ.");
        }
        if (recorded is null)
        {
            return (images, null);
        }
        string datasetId = job.Description.TestDatasetId!;
        PixelScaling scaling = job.Description.Standardization?.ScalingOf(datasetId)
            ?? throw new InvalidDataException($"The model of job {modelJob.JobId} was trained on inputs standardised over its union; "
                + $"the inference job must name dataset '{datasetId}' with a raw or disclosed scaling to be standardised the same way.");
        if (!scaling.JoinsUnion)
        {
            throw new InvalidDataException($"Dataset '{datasetId}' was standardised with its owner's own statistics; the model of job {modelJob.JobId} "
                + "takes inputs standardised over its union, so its owner shares it with raw pixels or discloses its statistics.");
        }
        if (scaling.Check(images.ImageShape[0]) is { } problem)
        {
            throw new InvalidDataException($"Dataset '{datasetId}': {problem}");
        }
        return (await StandardizeAsync(session, images, [new ScaledRows(0, images.Count, Disclosed(scaling))], recorded, cancellationToken), recorded);
    }

    /// <summary>The job's training datasets as runs of the union's rows, each with its owner's scaling.</summary>
    private static ScaledRows[] TrainingRuns(JobInputs job, JobStandardization standardization)
    {
        IReadOnlyList<string> ids = job.Description.TrainDatasetIds;
        IReadOnlyList<int> counts = job.TrainCounts ?? [job.Train.Count];
        if (counts.Count != ids.Count)
        {
            throw new InvalidDataException($"The union holds {counts.Count} datasets; the job names {ids.Count}.");
        }
        var runs = new ScaledRows[ids.Count];
        int start = 0;
        for (int i = 0; i < ids.Count; i++)
        {
            runs[i] = new ScaledRows(start, counts[i], Disclosed(ScalingOf(standardization, ids[i])));
            start += counts[i];
        }
        return runs;
    }

    private static PixelScaling ScalingOf(JobStandardization standardization, string datasetId) =>
        standardization.ScalingOf(datasetId) ?? throw new InvalidDataException($"The job's standardisation does not name dataset '{datasetId}'.");

    /// <summary>Null for raw pixels; the disclosed statistics otherwise (a union job has no other kind: <see cref="JobStandardization.Check"/>).</summary>
    private static Standardization? Disclosed(PixelScaling scaling) => scaling.Kind switch
    {
        PixelScalings.Raw => null,
        PixelScalings.Disclosed => new Standardization([.. scaling.Mean!], [.. scaling.Std!]),
        _ => throw new InvalidDataException($"A dataset scaled '{scaling.Kind}' cannot be standardised over the union."),
    };

    private static SharedTensor Images(SharedDataset half) => new(half.PartyId, half.Images, half.Format);

    private static async Task<SharedDataset> StandardizeAsync(PartySession session, SharedDataset half, ScaledRows[] runs, ChannelStatistics statistics,
        CancellationToken cancellationToken)
    {
        var union = new Standardization([.. statistics.Mean], [.. statistics.Std]);
        SharedTensor z = await UnionStandardization.StandardizeAsync(session.Context, Images(half), half.ImageShape[0], runs, union, cancellationToken);
        return new SharedDataset(half.PartyId, half.Format, half.ImageShape, half.Classes, z.Share, half.Labels);
    }

    /// <summary>
    /// Whether the other party holds the same statistics as <paramref name="mine"/> (null: none): one exchange of 5
    /// words each way — whether it holds any and the first 32 bytes of the SHA-256 of their JSON.
    /// </summary>
    private static async Task<bool> BothHoldAsync(IPeerChannel channel, ChannelStatistics? mine, CancellationToken cancellationToken)
    {
        var send = new ulong[5];
        if (mine is not null)
        {
            byte[] digest = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(mine, Json));
            send[0] = 1;
            for (int i = 0; i < 4; i++)
            {
                send[1 + i] = BitConverter.ToUInt64(digest, i * 8);
            }
        }
        var receive = new ulong[5];
        await channel.ExchangeAsync(send, receive, cancellationToken);
        return send.AsSpan().SequenceEqual(receive);
    }
}
