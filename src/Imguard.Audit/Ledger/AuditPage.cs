namespace Imguard.Audit.Ledger;

/// <summary>One page of a query: the records in the query's order, and the cursor for the next page (null at the end).</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, long? NextCursor);
