using System.Text.Json.Serialization;

namespace Imguard.Party.Shares;

/// <summary>
/// What an upload persists next to its <c>.partial</c> file (<c>upload.json</c>), rewritten atomically after each
/// chunk is on disk: enough to resume after a restart. <see cref="CommittedBytes"/> only ever counts flushed bytes.
/// Version 2 adds the owner the storage quotas count it against (<see cref="User"/>, <see cref="Project"/>; null
/// for uploads that name none) and <see cref="LastChunkUtc"/>, which the expiry of idle uploads is measured from.
/// Version 1 files (no owner, no last chunk) are still read: their expiry counts from <see cref="CreatedUtc"/>.
/// </summary>
internal sealed record UploadState(
    int Version,
    string UploadId,
    string DatasetId,
    int PartyId,
    long DeclaredBytes,
    long MaxBytes,
    long CommittedBytes,
    DateTimeOffset CreatedUtc,
    string? User = null,
    string? Project = null,
    DateTimeOffset LastChunkUtc = default)
{
    public const int CurrentVersion = 2;

    /// <summary>The oldest version still read.</summary>
    public const int OldestVersion = 1;

    /// <summary>Longest user or project name kept (the platform's names are far shorter).</summary>
    public const int MaxOwnerLength = 256;

    /// <summary>When the upload last made progress (its begin, for one that has none yet or predates version 2).</summary>
    public DateTimeOffset LastActivityUtc => LastChunkUtc > CreatedUtc ? LastChunkUtc : CreatedUtc;
}

/// <summary>Source-generated JSON for <see cref="UploadState"/> and <see cref="StoredOwner"/> (no reflection, camelCase).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(UploadState))]
[JsonSerializable(typeof(StoredOwner))]
internal sealed partial class UploadStateJsonContext : JsonSerializerContext
{
}
