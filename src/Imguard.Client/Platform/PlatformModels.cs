using System.Text.Json;
using Imguard.Contracts.Jobs;

namespace Imguard.Client.Platform;

// The platform API's JSON as the owner's client reads and writes it (camelCase on the wire; enums as strings).

public sealed record CreateTokenRequest(string UserName, string Password, string Name, int? LifetimeDays = null);

public sealed record CreatedToken(Guid Id, string Name, string Token, string Prefix, DateTimeOffset ExpiresAt);

public sealed record CurrentUser(Guid Id, string UserName);

public sealed record TokenSummary(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record CreateProjectRequest(string Name, string? Description, int Channels, int Height, int Width, int Classes);

public sealed record ProjectSummary(Guid Id, string Name, string Description, int Channels, int Height, int Width, int Classes, string? Role);

public sealed record RegisterDatasetRequest(string Name, string Purpose, int Count, int FractionalBits, string Digest0, string Digest1, string? Id);

public sealed record DatasetSummary(
    string Id, Guid ProjectId, string Name, string Purpose, int Channels, int Height, int Width, int Count, int Classes,
    int FractionalBits, string Status, string? RejectionReason, bool Party0Reported, bool Party1Reported);

public sealed record UploadGrant(int Party, Uri Url, string Grant, DateTimeOffset ExpiresAt);

public sealed record DatasetRegistered(DatasetSummary Dataset, IReadOnlyList<UploadGrant> Uploads);

public sealed record JobSummary(
    string Id, Guid ProjectId, string TrainDatasetId, string? TestDatasetId, JobState State, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Epoch, long Step, long TotalSteps, JsonElement? Metrics,
    string? FailureMessage, int? LastCheckpointEpoch, bool CancelRequested, JsonElement? Training = null, int? ResumedFromEpoch = null)
{
    /// <summary>T of "InstaHide in inference" (the job's <c>testEncodings</c>), 0 when its test set was evaluated clean.</summary>
    public int TestEncodings =>
        Training is { ValueKind: JsonValueKind.Object } training && training.TryGetProperty("testEncodings", out JsonElement t) && t.TryGetInt32(out int value) ? value : 0;
}

public sealed record JobLogLine(long Id, DateTimeOffset Time, string Level, string Message);

public sealed record ModelDownloads(string JobId, IReadOnlyList<UploadGrant> Downloads);
