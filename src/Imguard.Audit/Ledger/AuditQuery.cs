namespace Imguard.Audit.Ledger;

/// <summary>
/// A filter over the audit log and one page of it. All filters are optional and combine with AND. Paging is by
/// cursor: pass the previous page's <see cref="AuditPage.NextCursor"/> as <see cref="Cursor"/> to continue; pages
/// never skip or repeat a record while the log grows, because sequence numbers only grow.
/// </summary>
public sealed record AuditQuery
{
    /// <summary>The page size used when none is given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Only records of this event type.</summary>
    public string? EventType { get; init; }

    /// <summary>Only records by this actor.</summary>
    public string? Actor { get; init; }

    /// <summary>Only records naming this subject id.</summary>
    public string? Subject { get; init; }

    /// <summary>Only records at or after this time (inclusive).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only records before this time (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Newest first instead of oldest first.</summary>
    public bool NewestFirst { get; init; }

    /// <summary>Continue after this sequence number (in the query's order): the previous page's <see cref="AuditPage.NextCursor"/>.</summary>
    public long? Cursor { get; init; }

    /// <summary>How many records per page, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = DefaultLimit;

    internal void Validate()
    {
        if (Limit is < 1 or > MaxLimit)
        {
            throw AuditError.OutOfRange(nameof(Limit), $"The page size must be 1 to {MaxLimit}; it is {Limit}.");
        }

        if (Cursor is < 0)
        {
            throw AuditError.OutOfRange(nameof(Cursor), "The cursor is a sequence number and cannot be negative.");
        }

        if (From is { } from && To is { } to && to < from)
        {
            throw AuditError.BadTimeRange();
        }
    }
}
