using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>A job as the platform shows it.</summary>
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
    int? ResumedFromEpoch = null);
