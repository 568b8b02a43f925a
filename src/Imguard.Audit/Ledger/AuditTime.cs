namespace Imguard.Audit.Ledger;

/// <summary>
/// Audit timestamps are whole microseconds since the Unix epoch (UTC): what PostgreSQL's <c>timestamptz</c> and a
/// SQLite integer both keep exactly, so a timestamp reads back bit-for-bit equal to what was hashed.
/// </summary>
internal static class AuditTime
{
    public static long ToMicroseconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + microseconds * TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
}
