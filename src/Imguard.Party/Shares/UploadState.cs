using System.Text.Json.Serialization;

namespace Imguard.Party.Shares;

/// <summary>
/// What an upload persists next to its <c>.partial</c> file (<c>upload.json</c>), rewritten atomically after each
/// chunk is on disk: enough to resume after a restart. <see cref="CommittedBytes"/> only ever counts flushed bytes.
/// </summary>
internal sealed record UploadState(
    int Version,
    string UploadId,
    string DatasetId,
    int PartyId,
    long DeclaredBytes,
    long MaxBytes,
    long CommittedBytes,
    DateTimeOffset CreatedUtc)
{
    public const int CurrentVersion = 1;
}

/// <summary>Source-generated JSON for <see cref="UploadState"/> (no reflection, camelCase).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(UploadState))]
internal sealed partial class UploadStateJsonContext : JsonSerializerContext
{
}
