namespace Imguard.Platform.Api;

/// <summary>A registered dataset and one upload grant per party (party 0 first).</summary>
public sealed record DatasetUploadView(DatasetView Dataset, IReadOnlyList<GrantView> Uploads);
