
namespace Imguard.Contracts.Jobs;

/// <summary>One log line; page with <c>?after=id</c>. <c>time</c> is the party's time of the event (when plausible), <c>receivedAt</c> the platform's.</summary>
public sealed record JobLogEntryView(long Id, DateTimeOffset Time, JobLogLevel Level, string Message, DateTimeOffset ReceivedAt);
