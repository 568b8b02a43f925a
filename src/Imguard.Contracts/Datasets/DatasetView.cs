
namespace Imguard.Contracts.Datasets;

/// <summary>
/// A dataset's metadata and readiness; <c>digest0</c>/<c>digest1</c> are the registered hashes of the halves.
/// <c>ownerKey</c> (SPKI DER, base64) and <c>ownerKeyFingerprint</c> (its short fingerprint): the owner's public key
/// that both parties found in the headers of their halves, null until Ready and for a dataset shared before share
/// files carried one (such a dataset cannot join a training job); <c>owner</c>: the uploader's user name; <c>scaling</c>: what the shared values are (<see cref="PixelScaling"/>; a disclosed
/// dataset shows its statistics).
/// </summary>
public sealed record DatasetView(
    string Id, Guid ProjectId, string Name, DatasetPurpose Purpose, int Channels, int Height, int Width, int Count, int Classes,
    int FractionalBits, string Digest0, string Digest1, DatasetStatus Status, string? RejectionReason, bool Party0Reported,
    bool Party1Reported, Guid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ReadyAt,
    string? OwnerKey = null, string? OwnerKeyFingerprint = null, string? Owner = null, PixelScaling? Scaling = null);
