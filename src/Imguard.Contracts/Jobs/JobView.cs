using System.Text.Json;

namespace Imguard.Contracts.Jobs;

/// <summary>
/// A job: its model spec and training options as JSON objects, state, progress and the disclosed metrics.
/// <see cref="ResumedFromEpoch"/>: the checkpoint epoch the latest resumed attempt started from (null if it never
/// resumed); the progress shown never goes backwards meanwhile. A training job also lists its <see cref="Datasets"/>
/// (union order, each owner's contribution), the model's <see cref="Recipients"/> and every key that must sign its
/// consent terms with whether it has (<see cref="Signers"/>); all empty for an inference job. <see cref="Standardization"/>:
/// how the inputs are standardised and, for a union job once opened, the union's statistics (null: as shared).
/// <see cref="Revision"/>: how many times its creator revised it (each revision voids every signature).
/// </summary>
public sealed record JobView(
    string Id, Guid ProjectId, string TrainDatasetId, string? TestDatasetId, JsonElement Model, JsonElement Training, JobState State,
    Guid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Epoch, long Step, long TotalSteps,
    JsonElement? Metrics, string? FailureMessage, int? LastCheckpointEpoch, bool CancelRequested, string? ModelFromJobId, int? ResumedFromEpoch = null,
    IReadOnlyList<JobDatasetView>? Datasets = null, IReadOnlyList<Consent.ConsentRecipientView>? Recipients = null, IReadOnlyList<Consent.ConsentSignerView>? Signers = null,
    JobStandardizationView? Standardization = null, int Revision = 0);
