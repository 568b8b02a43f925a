namespace Imguard.Audit.Api;

/// <summary>One page of records; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next.</summary>
public sealed record AuditPageView(IReadOnlyList<AuditRecordView> Records, long? NextCursor);
