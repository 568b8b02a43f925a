using System.Globalization;
using System.Text.Json;
using Imguard.Contracts.Files;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Training;
using Imguard.Party.Shares;

namespace Imguard.Party.Jobs;

/// <summary>
/// One job's files at this party, <c>&lt;party dir&gt;/jobs/&lt;jobId&gt;/</c>:
/// <code>
/// job.json                 the job description (public)
/// state.json               <see cref="JobLocalState"/>
/// checkpoints/epoch-N.ckpt this party's model share after N epochs (the newest two are kept)
/// model.share              this party's share of the final model (written when the job succeeds)
/// evaluation.share         this party's share of the test evaluation (when the job has a test set)
/// standardization.json     the union's statistics the parties opened (a job standardised over the union; public)
/// </code>
/// Every file is replaced atomically (temp, fsync, rename) and is 0600, every folder 0700. The job id is checked against its pattern before a path
/// is built from it.
/// </summary>
public sealed class JobFolder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public JobFolder(string jobsRoot, string jobId)
    {
        if (!JobIds.IsValid(jobId))
        {
            throw new ArgumentException("Invalid job id.", nameof(jobId));
        }
        JobId = jobId;
        Path = System.IO.Path.Combine(jobsRoot, jobId);
    }

    public string JobId { get; }

    public string Path { get; }

    public string ModelPath => System.IO.Path.Combine(Path, "model.share");

    public string EvaluationPath => System.IO.Path.Combine(Path, "evaluation.share");

    /// <summary>The statistics of a job standardised over the union (<see cref="ChannelStatistics"/>), saved by the attempt that opened them.</summary>
    public string StandardizationPath => System.IO.Path.Combine(Path, "standardization.json");

    private string DescriptionPath => System.IO.Path.Combine(Path, "job.json");

    private string StatePath => System.IO.Path.Combine(Path, "state.json");

    private string CheckpointDirectory => System.IO.Path.Combine(Path, "checkpoints");

    public bool Exists => File.Exists(StatePath) && File.Exists(DescriptionPath);

    public void Create(JobDescription description, JobLocalState state)
    {
        OwnerOnly.CreateDirectory(Path);
        WriteDescription(description);
        WriteState(state);
        AtomicFile.FlushDirectory(System.IO.Path.GetDirectoryName(Path)!);
    }

    public void WriteDescription(JobDescription description) =>
        AtomicFile.WriteAllBytes(DescriptionPath, JsonSerializer.SerializeToUtf8Bytes(description, Json));

    public JobDescription ReadDescription() =>
        JsonSerializer.Deserialize<JobDescription>(File.ReadAllBytes(DescriptionPath), Json)
            ?? throw new InvalidDataException($"The description of job '{JobId}' is empty.");

    public void WriteState(JobLocalState state) =>
        AtomicFile.WriteAllBytes(StatePath, JsonSerializer.SerializeToUtf8Bytes(state, Json));

    public JobLocalState ReadState() =>
        JsonSerializer.Deserialize<JobLocalState>(File.ReadAllBytes(StatePath), Json)
            ?? throw new InvalidDataException($"The state of job '{JobId}' is empty.");

    public void SaveStandardization(ChannelStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        OwnerOnly.CreateDirectory(Path);
        AtomicFile.WriteAllBytes(StandardizationPath, JsonSerializer.SerializeToUtf8Bytes(statistics, Json));
    }

    /// <summary>The saved statistics, or null when the job has none (not standardised over the union, or not yet opened).</summary>
    public ChannelStatistics? ReadStandardization()
    {
        if (!File.Exists(StandardizationPath))
        {
            return null;
        }
        ChannelStatistics? statistics = JsonSerializer.Deserialize<ChannelStatistics>(File.ReadAllBytes(StandardizationPath), Json);
        return statistics?.Check() is null && statistics is not null ? statistics
            : throw new InvalidDataException($"The saved standardisation of job '{JobId}' is not valid.");
    }

    /// <summary>Saves the checkpoint of <paramref name="epochs"/> epochs and removes all but the newest two.</summary>
    public void SaveCheckpoint(ModelCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        OwnerOnly.CreateDirectory(CheckpointDirectory);
        checkpoint.Save(CheckpointPath(checkpoint.EpochsCompleted));
        AtomicFile.FlushDirectory(CheckpointDirectory);
        foreach (int old in CheckpointEpochs().Skip(2))
        {
            File.Delete(CheckpointPath(old));
        }
    }

    /// <summary>Epoch counts of the stored checkpoints, newest first.</summary>
    public IReadOnlyList<int> CheckpointEpochs()
    {
        if (!Directory.Exists(CheckpointDirectory))
        {
            return [];
        }
        return [.. Directory.EnumerateFiles(CheckpointDirectory, "epoch-*.ckpt")
            .Select(f => System.IO.Path.GetFileNameWithoutExtension(f)["epoch-".Length..])
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int e) ? e : -1)
            .Where(e => e > 0)
            .OrderDescending()];
    }

    public string CheckpointPath(int epochs) => System.IO.Path.Combine(CheckpointDirectory, $"epoch-{epochs}.ckpt");
}
