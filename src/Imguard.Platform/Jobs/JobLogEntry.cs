namespace Imguard.Platform.Jobs;

/// <summary>One line of a job's log; <see cref="Id"/> grows, so a client pages with "after id".</summary>
public sealed record JobLogEntry(long Id, string JobId, DateTimeOffset Time, JobLogLevel Level, string Message);
