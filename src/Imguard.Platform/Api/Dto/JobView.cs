using System.Text.Json;
using Imguard.Contracts.Jobs;
using Imguard.Platform.Jobs;

namespace Imguard.Platform.Api;

/// <summary>
/// A job: its model spec and training options as JSON objects, state, progress and the disclosed metrics.
/// <see cref="ResumedFromEpoch"/>: the checkpoint epoch the latest resumed attempt started from (null if it never
/// resumed); the progress shown never goes backwards meanwhile.
/// </summary>
public sealed record JobView(
    string Id, Guid ProjectId, string TrainDatasetId, string? TestDatasetId, JsonElement Model, JsonElement Training, JobState State,
    Guid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Epoch, long Step, long TotalSteps,
    JsonElement? Metrics, string? FailureMessage, int? LastCheckpointEpoch, bool CancelRequested, string? ModelFromJobId, int? ResumedFromEpoch = null)
{
    public static JobView From(JobInfo j)
    {
        ArgumentNullException.ThrowIfNull(j);
        return new(j.Id, j.ProjectId, j.TrainDatasetId, j.TestDatasetId, Parse(j.ModelSpecJson), Parse(j.TrainingOptionsJson), j.State,
            j.CreatedBy, j.CreatedAt, j.StartedAt, j.FinishedAt, j.Epoch, j.Step, j.TotalSteps,
            j.MetricsJson is null ? null : Parse(j.MetricsJson), j.FailureMessage, j.LastCheckpointEpoch, j.CancelRequested, j.ModelFromJobId, j.ResumedFromEpoch);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
