using Imguard.Contracts.Datasets;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Datasets;

/// <summary>
/// What the owner's client registers before uploading: the metadata of the shared dataset and the SHA-256 (hex) of
/// each party's half as the client wrote it. The digests bind each upload to this registration: a party whose half
/// hashes differently has the wrong (or a damaged) half.
/// </summary>
/// <param name="ProjectId">The project; the shape and classes must be the project's.</param>
/// <param name="Name">A display name.</param>
/// <param name="Purpose">Train or test.</param>
/// <param name="Shape">One image's shape (the project's input shape).</param>
/// <param name="Count">Number of images.</param>
/// <param name="Classes">Number of classes (the one-hot label width; the project's class count).</param>
/// <param name="FractionalBits">The fixed-point format the client encoded with (0 to 40; 16 is the default).</param>
/// <param name="Party0Digest">Hex SHA-256 of party 0's half.</param>
/// <param name="Party1Digest">Hex SHA-256 of party 1's half.</param>
/// <param name="Id">
/// The id the client bound into both share files (their headers, hence their digests, carry it), so it is chosen
/// before registration: <c>ds-</c> and 16 to 32 lower-case hex digits; null lets the registry choose one (for
/// clients that write the files after registering).
/// </param>
/// <param name="Scaling">What the shared values are (<see cref="PixelScaling"/>); null: <c>own</c>, what clients before it shared.</param>
public sealed record DatasetRegistration(
    Guid ProjectId,
    string Name,
    DatasetPurpose Purpose,
    ImageShape Shape,
    int Count,
    int Classes,
    int FractionalBits,
    string Party0Digest,
    string Party1Digest,
    string? Id = null,
    PixelScaling? Scaling = null);
