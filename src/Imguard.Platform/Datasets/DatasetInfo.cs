using Imguard.Contracts.Datasets;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Datasets;

/// <summary>
/// A dataset's metadata and readiness (never contents: the platform has none). <see cref="OwnerKey"/>: the owner's
/// public key both parties found in their halves' headers (null before Ready and for a version-1 upload);
/// <see cref="OwnerName"/>: the uploader's user name where it was loaded; <see cref="Scaling"/>: what the shared values
/// are (a disclosed dataset with its statistics; null reads as <c>own</c>).
/// </summary>
public sealed record DatasetInfo(
    string Id,
    Guid ProjectId,
    string Name,
    DatasetPurpose Purpose,
    ImageShape Shape,
    int Count,
    int Classes,
    int FractionalBits,
    string Party0Digest,
    string Party1Digest,
    DatasetStatus Status,
    string? RejectionReason,
    bool Party0Reported,
    bool Party1Reported,
    Guid CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ReadyAt,
    byte[]? OwnerKey = null,
    string? OwnerName = null,
    PixelScaling? Scaling = null)
{
    /// <summary>True when jobs may use it.</summary>
    public bool IsUsable => DatasetStateMachine.IsUsable(Status);

    /// <summary>The scaling, <c>own</c> when none was recorded.</summary>
    public PixelScaling PixelScaling => Scaling ?? PixelScaling.Own;
}
