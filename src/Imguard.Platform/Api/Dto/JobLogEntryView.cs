using Imguard.Platform.Jobs;

namespace Imguard.Platform.Api;

/// <summary>One log line; page with <c>?after=id</c>.</summary>
public sealed record JobLogEntryView(long Id, DateTimeOffset Time, JobLogLevel Level, string Message)
{
    public static JobLogEntryView From(JobLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Id, entry.Time, entry.Level, entry.Message);
    }
}
