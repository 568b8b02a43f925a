using Imguard.Contracts.Grants;

namespace Imguard.Contracts.Jobs;

/// <summary>A succeeded job's model-share grants, one per party (party 0 first).</summary>
public sealed record ModelDownloadView(string JobId, IReadOnlyList<GrantView> Downloads);
