using Imguard.Platform.Datasets;

namespace Imguard.Platform.Api;

/// <summary>A dataset's metadata and readiness; <c>digest0</c>/<c>digest1</c> are the registered hashes of the halves.</summary>
public sealed record DatasetView(
    string Id, Guid ProjectId, string Name, DatasetPurpose Purpose, int Channels, int Height, int Width, int Count, int Classes,
    int FractionalBits, string Digest0, string Digest1, DatasetStatus Status, string? RejectionReason, bool Party0Reported,
    bool Party1Reported, Guid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ReadyAt)
{
    public static DatasetView From(DatasetInfo d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Id, d.ProjectId, d.Name, d.Purpose, d.Shape.Channels, d.Shape.Height, d.Shape.Width, d.Count, d.Classes,
            d.FractionalBits, d.Party0Digest, d.Party1Digest, d.Status, d.RejectionReason, d.Party0Reported, d.Party1Reported,
            d.CreatedBy, d.CreatedAt, d.UpdatedAt, d.ReadyAt);
    }
}
