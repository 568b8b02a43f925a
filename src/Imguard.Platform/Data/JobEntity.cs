using Imguard.Contracts.Jobs;
using Imguard.Platform.Jobs;

namespace Imguard.Platform.Data;

/// <summary>
/// Row of <c>jobs</c>. Versioned, because progress from the runner, a cancel request from a user and a state change
/// can arrive at the same time and none may overwrite another.
/// </summary>
internal sealed class JobEntity : IVersionedEntity
{
    public string Id { get; set; } = "";

    public Guid ProjectId { get; set; }

    public string TrainDatasetId { get; set; } = "";

    public string? TestDatasetId { get; set; }

    /// <summary>For an inference job: the (succeeded) training job whose model the parties apply; null for training.</summary>
    public string? ModelFromJobId { get; set; }

    public string ModelSpecJson { get; set; } = "";

    public string TrainingOptionsJson { get; set; } = "";

    public JobState State { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int Epoch { get; set; }

    public long Step { get; set; }

    public long TotalSteps { get; set; }

    public string? MetricsJson { get; set; }

    public string? FailureMessage { get; set; }

    public int? LastCheckpointEpoch { get; set; }

    /// <summary>The checkpoint epoch the latest resumed attempt started from; null if the job never resumed.</summary>
    public int? ResumedFromEpoch { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>
    /// The job's <see cref="JobStandardization"/> as JSON, fixed at creation from its datasets' scalings (so a scaling
    /// changed later never changes terms already shown or signed); null for jobs made before it (as shared).
    /// </summary>
    public string? StandardizationJson { get; set; }

    /// <summary>
    /// The <see cref="ChannelStatistics"/> the parties opened for a union job (the first report wins), or for an
    /// inference job its model job's, copied at creation; null until then and for a job used as shared.
    /// </summary>
    public string? StandardizationStatisticsJson { get; set; }

    /// <summary>
    /// When the runner claimed the queued job to post it to the parties: from then on an approval can no longer be
    /// withdrawn (the parties may hold the signed description already); the job can still be cancelled.
    /// </summary>
    public DateTimeOffset? DispatchedAt { get; set; }

    /// <summary>The job's datasets in union order (training jobs; empty for an inference job and for jobs made before consent).</summary>
    public List<JobDatasetEntity> Datasets { get; set; } = [];

    public List<JobRecipientEntity> Recipients { get; set; } = [];

    public List<JobApprovalEntity> Approvals { get; set; } = [];

    public long Version { get; set; }
}
