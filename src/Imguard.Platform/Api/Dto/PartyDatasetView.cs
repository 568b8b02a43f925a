using Imguard.Platform.Datasets;

namespace Imguard.Platform.Api;

/// <summary>
/// GET /internal/datasets/{id}: what a party checks an upload against: status, shape, count, classes, fixed-point
/// bits, and the registered digest of the calling party's own half (never the other's).
/// </summary>
public sealed record PartyDatasetView(
    string Id, Guid ProjectId, DatasetStatus Status, int Channels, int Height, int Width, int Count, int Classes, int FractionalBits, string Digest)
{
    public static PartyDatasetView From(DatasetInfo d, int partyId)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Id, d.ProjectId, d.Status, d.Shape.Channels, d.Shape.Height, d.Shape.Width, d.Count, d.Classes, d.FractionalBits,
            partyId == 0 ? d.Party0Digest : d.Party1Digest);
    }
}
