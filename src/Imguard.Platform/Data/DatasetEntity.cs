using Imguard.Contracts.Datasets;
using Imguard.Platform.Datasets;

namespace Imguard.Platform.Data;

/// <summary>
/// Row of <c>datasets</c>: metadata only. The digests are the owner's client's SHA-256 of each party's half, so each
/// party can prove it holds the half that was registered. Versioned, because both parties report (and confirm
/// deletion) concurrently.
/// </summary>
internal sealed class DatasetEntity : IVersionedEntity
{
    public string Id { get; set; } = "";

    public Guid ProjectId { get; set; }

    public string Name { get; set; } = "";

    public DatasetPurpose Purpose { get; set; }

    public int Channels { get; set; }

    public int Height { get; set; }

    public int Width { get; set; }

    public int Count { get; set; }

    public int Classes { get; set; }

    public int FractionalBits { get; set; }

    public string Party0Digest { get; set; } = "";

    public string Party1Digest { get; set; } = "";

    public DatasetStatus Status { get; set; }

    public string? RejectionReason { get; set; }

    public Guid CreatedBy { get; set; }

    /// <summary>The uploader (loaded where a caller shows the owner's name).</summary>
    public UserEntity? Creator { get; set; }

    /// <summary>
    /// The owner's public key (SPKI DER) that both parties found in the headers of their halves, set when the dataset
    /// becomes Ready; null for a dataset shared before share files carried one (it cannot join a training job).
    /// </summary>
    public byte[]? OwnerKey { get; set; }

    /// <summary>
    /// What the shared values are (<see cref="PixelScalings"/>): <c>own</c> for a dataset registered before clients
    /// said (what they shared), <c>raw</c>, or <c>disclosed</c> once the owner published the statistics they
    /// standardised with (<see cref="DisclosedStatisticsJson"/>).
    /// </summary>
    public string Scaling { get; set; } = PixelScalings.Own;

    /// <summary>A disclosed dataset's per-channel mean and standard deviation (<c>{"mean":[…],"std":[…]}</c>); null otherwise.</summary>
    public string? DisclosedStatisticsJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ReadyAt { get; set; }

    public DateTimeOffset? DeletionRequestedAt { get; set; }

    public DateTimeOffset? Party0DeletedAt { get; set; }

    public DateTimeOffset? Party1DeletedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }

    public long Version { get; set; }

    public List<DatasetHalfReportEntity> Reports { get; set; } = [];
}
