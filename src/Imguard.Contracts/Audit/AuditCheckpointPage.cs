namespace Imguard.Contracts.Audit;

/// <summary>
/// A page of the platform's copies of signed audit checkpoints (<c>GET /api/audit/checkpoints?after=&amp;limit=</c>),
/// oldest first; <see cref="NextCursor"/> is the <c>after</c> of the next page, null on the last.
/// </summary>
public sealed record AuditCheckpointPage(IReadOnlyList<AuditCheckpointMessage> Checkpoints, long? NextCursor);
