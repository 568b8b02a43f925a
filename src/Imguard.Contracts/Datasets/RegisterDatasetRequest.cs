
namespace Imguard.Contracts.Datasets;

/// <summary>
/// POST /api/projects/{id}/datasets: what the owner's client shared (the shape and classes are the project's);
/// <c>digest0</c>/<c>digest1</c> are the hex SHA-256 of the half for party 0 and party 1; <c>id</c> is the dataset id
/// the client bound into both share files (<c>ds-</c> and 16 to 32 lower-case hex digits), or null for the platform
/// to choose one; <c>scaling</c>: what the shared values are (<see cref="PixelScaling"/>: <c>raw</c>, <c>own</c> — the
/// default when absent, what clients before it shared — or <c>disclosed</c> with the statistics).
/// </summary>
public sealed record RegisterDatasetRequest(string? Name, DatasetPurpose Purpose, int Count, int FractionalBits, string? Digest0, string? Digest1, string? Id = null,
    PixelScaling? Scaling = null);
