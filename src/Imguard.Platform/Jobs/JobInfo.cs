using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>
/// A job as the platform shows it. A training job also carries its datasets in union order, its model's recipients and
/// the approvals collected over its consent terms (all empty for an inference job). <see cref="Standardization"/>: how
/// its inputs are standardised, fixed at creation (null for jobs made before it: as shared);
/// <see cref="StandardizationStatistics"/>: the union's statistics the parties opened (an inference job: its model job's).
/// </summary>
public sealed record JobInfo(
    string Id,
    Guid ProjectId,
    string TrainDatasetId,
    string? TestDatasetId,
    string ModelSpecJson,
    string TrainingOptionsJson,
    JobState State,
    Guid CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int Epoch,
    long Step,
    long TotalSteps,
    string? MetricsJson,
    string? FailureMessage,
    int? LastCheckpointEpoch,
    bool CancelRequested,
    string? ModelFromJobId = null,
    int? ResumedFromEpoch = null,
    IReadOnlyList<JobDatasetInfo>? Datasets = null,
    IReadOnlyList<JobRecipientInfo>? Recipients = null,
    IReadOnlyList<JobApprovalInfo>? Approvals = null,
    DateTimeOffset? DispatchedAt = null,
    JobStandardization? Standardization = null,
    ChannelStatistics? StandardizationStatistics = null)
{
    /// <summary>Whether the job trains under consent (every training job made since consent exists).</summary>
    public bool HasConsent => ModelFromJobId is null && Datasets is { Count: > 0 };
}
