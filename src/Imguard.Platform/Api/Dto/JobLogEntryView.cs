using Imguard.Platform.Jobs;

namespace Imguard.Platform.Api;

/// <summary>One log line; page with <c>?after=id</c>. <c>time</c> is the party's time of the event (when plausible), <c>receivedAt</c> the platform's.</summary>
public sealed record JobLogEntryView(long Id, DateTimeOffset Time, JobLogLevel Level, string Message, DateTimeOffset ReceivedAt)
{
    public static JobLogEntryView From(JobLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Id, entry.Time, entry.Level, entry.Message, entry.ReceivedAt);
    }
}
