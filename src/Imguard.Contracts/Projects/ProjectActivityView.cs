namespace Imguard.Contracts.Projects;

/// <summary>GET /api/projects/{id}/activity: one page, newest first; pass <see cref="NextCursor"/> as <c>after</c> for the next (null at the end).</summary>
public sealed record ProjectActivityView(IReadOnlyList<ActivityRecordView> Records, long? NextCursor);
