using Imguard.Contracts.Grants;

namespace Imguard.Contracts.Datasets;

/// <summary>A registered dataset and one upload grant per party (party 0 first).</summary>
public sealed record DatasetUploadView(DatasetView Dataset, IReadOnlyList<GrantView> Uploads);
