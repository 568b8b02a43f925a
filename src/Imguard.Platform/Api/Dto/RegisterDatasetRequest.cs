using Imguard.Platform.Datasets;

namespace Imguard.Platform.Api;

/// <summary>
/// POST /api/projects/{id}/datasets: what the owner's client shared (the shape and classes are the project's);
/// <c>digest0</c>/<c>digest1</c> are the hex SHA-256 of the half for party 0 and party 1.
/// </summary>
public sealed record RegisterDatasetRequest(string? Name, DatasetPurpose Purpose, int Count, int FractionalBits, string? Digest0, string? Digest1);
