using System.Text.Json;
using Imguard.Contracts.Accounts;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Api;

/// <summary>
/// The platform's records as the API shows them. The view records are data only and live in Imguard.Contracts (the
/// CLI's client reads the same types); what the platform chooses to show of its own records is decided here.
/// </summary>
internal static class ApiViews
{
    public static UserView User(UserInfo user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.UserName, user.DisplayName, user.Role, user.IsDisabled, user.CreatedAt, user.LastLoginAt);
    }

    /// <summary>An API token as its owner sees it later: its public prefix, never the token.</summary>
    public static TokenView Token(ApiTokenInfo token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Id, token.Name, token.Prefix, token.CreatedAt, token.ExpiresAt, token.LastUsedAt, token.RevokedAt);
    }

    public static ProjectView Project(ProjectInfo project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return new(project.Id, project.Name, project.Description, project.InputShape.Channels, project.InputShape.Height, project.InputShape.Width,
            project.Classes, project.CreatedBy, project.CreatedAt, project.CallerRole);
    }

    public static MemberView Member(ProjectMemberInfo member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new(member.UserId, member.UserName, member.DisplayName, member.Role, member.AddedAt);
    }

    public static DatasetView Dataset(DatasetInfo d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Id, d.ProjectId, d.Name, d.Purpose, d.Shape.Channels, d.Shape.Height, d.Shape.Width, d.Count, d.Classes,
            d.FractionalBits, d.Party0Digest, d.Party1Digest, d.Status, d.RejectionReason, d.Party0Reported, d.Party1Reported,
            d.CreatedBy, d.CreatedAt, d.UpdatedAt, d.ReadyAt,
            d.OwnerKey is { } key ? Convert.ToBase64String(key) : null, d.OwnerKey is { } k ? OwnerKeys.ShortFingerprint(k) : null, d.OwnerName);
    }

    public static JobView Job(JobInfo j)
    {
        ArgumentNullException.ThrowIfNull(j);
        return new(j.Id, j.ProjectId, j.TrainDatasetId, j.TestDatasetId, Parse(j.ModelSpecJson), Parse(j.TrainingOptionsJson), j.State,
            j.CreatedBy, j.CreatedAt, j.StartedAt, j.FinishedAt, j.Epoch, j.Step, j.TotalSteps,
            j.MetricsJson is null ? null : Parse(j.MetricsJson), j.FailureMessage, j.LastCheckpointEpoch, j.CancelRequested, j.ModelFromJobId, j.ResumedFromEpoch);
    }

    public static JobLogEntryView LogEntry(JobLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Id, entry.Time, entry.Level, entry.Message, entry.ReceivedAt);
    }

    public static JobProgressView Progress(string jobId, JobProgressHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return new(jobId, history.Stride, history.Now, [.. history.Points.Select(Point)], [.. history.Epochs.Select(Epoch)]);
    }

    private static JobProgressPointView Point(JobProgressPoint point) =>
        new(point.Id, point.Step, point.Epoch, point.Loss, point.ImagesPerSecond, point.Time);

    private static JobEpochView Epoch(JobEpochSummary epoch) =>
        new(epoch.Epoch, epoch.Step, epoch.Loss, epoch.Accuracy, epoch.ImagesPerSecond, epoch.DurationSeconds, epoch.Checkpoint, epoch.Time);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
