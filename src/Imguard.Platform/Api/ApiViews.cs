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
            d.OwnerKey is { } key ? Convert.ToBase64String(key) : null, d.OwnerKey is { } k ? OwnerKeys.ShortFingerprint(k) : null, d.OwnerName, d.PixelScaling);
    }

    public static JobView Job(JobInfo j)
    {
        ArgumentNullException.ThrowIfNull(j);
        return new(j.Id, j.ProjectId, j.TrainDatasetId, j.TestDatasetId, Parse(j.ModelSpecJson), Parse(j.TrainingOptionsJson), j.State,
            j.CreatedBy, j.CreatedAt, j.StartedAt, j.FinishedAt, j.Epoch, j.Step, j.TotalSteps,
            j.MetricsJson is null ? null : Parse(j.MetricsJson), j.FailureMessage, j.LastCheckpointEpoch, j.CancelRequested, j.ModelFromJobId, j.ResumedFromEpoch,
            [.. (j.Datasets ?? []).Select(d => new JobDatasetView(d.DatasetId, d.Name, Purpose(d.Purpose), d.OwnerName, OwnerKeys.ShortFingerprint(d.OwnerKey),
                d.Images, d.Purpose == DatasetPurpose.Train ? d.Images : 0))],
            [.. (j.Recipients ?? []).Select(Recipient)],
            JobConsentState.Of(j).State is { } consent ? Signers(j, consent) : [],
            j.Standardization is { } s ? new JobStandardizationView(s.Mode, j.StandardizationStatistics) : null);
    }

    /// <summary>Every key a job's terms require, who holds it, and whether (and when) it signed validly.</summary>
    public static IReadOnlyList<ConsentSignerView> Signers(JobInfo job, JobConsentState consent)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(consent);
        return
        [
            .. consent.Required.Select(r => new ConsentSignerView(r.ShortFingerprint, r.Holder,
                !consent.Missing.Any(m => m.Key.AsSpan().SequenceEqual(r.Key)),
                consent.Missing.Any(m => m.Key.AsSpan().SequenceEqual(r.Key))
                    ? null
                    : (job.Approvals ?? []).FirstOrDefault(a => a.Key.AsSpan().SequenceEqual(r.Key))?.SignedAt)),
        ];
    }

    /// <summary>A job's consent terms as an approver is shown them (GET /api/jobs/{id}/consent).</summary>
    public static ConsentTermsView Consent(JobInfo job, JobConsentState consent, string hidingSummary)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(consent);
        ConsentTerms terms = consent.Terms;
        return new ConsentTermsView(
            terms.JobId,
            terms.ProjectId,
            job.State,
            [.. terms.Datasets.Select(d =>
            {
                JobDatasetInfo? row = job.Datasets?.FirstOrDefault(r => r.DatasetId == d.DatasetId);
                return new ConsentDatasetView(d.DatasetId, row?.Name ?? d.DatasetId, d.Purpose, d.Owner, Convert.ToBase64String(d.OwnerKey),
                    OwnerKeys.ShortFingerprint(d.OwnerKey), row?.Images ?? 0);
            })],
            terms.ModelSpecJson,
            [.. terms.Parameters.Select(ConsentParameterView.From)],
            [.. terms.Recipients.Select(r => new ConsentRecipientView(r.User, Convert.ToBase64String(r.Key), OwnerKeys.ShortFingerprint(r.Key)))],
            hidingSummary,
            Signers(job, consent),
            Convert.ToHexStringLower(consent.Digest));
    }

    public static SigningKeyView SigningKey(SigningKeyInfo key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(Convert.ToBase64String(key.Key), OwnerKeys.ShortFingerprint(key.Key), key.RegisteredAt);
    }

    private static ConsentRecipientView Recipient(JobRecipientInfo r) => new(r.UserName, Convert.ToBase64String(r.Key), OwnerKeys.ShortFingerprint(r.Key));

    private static string Purpose(DatasetPurpose purpose) => purpose == DatasetPurpose.Train ? ConsentPurposes.Train : ConsentPurposes.Test;

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
