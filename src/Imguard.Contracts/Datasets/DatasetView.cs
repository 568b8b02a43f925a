
namespace Imguard.Contracts.Datasets;

/// <summary>A dataset's metadata and readiness; <c>digest0</c>/<c>digest1</c> are the registered hashes of the halves.</summary>
public sealed record DatasetView(
    string Id, Guid ProjectId, string Name, DatasetPurpose Purpose, int Channels, int Height, int Width, int Count, int Classes,
    int FractionalBits, string Digest0, string Digest1, DatasetStatus Status, string? RejectionReason, bool Party0Reported,
    bool Party1Reported, Guid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ReadyAt);
