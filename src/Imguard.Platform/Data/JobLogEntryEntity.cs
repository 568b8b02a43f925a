using Imguard.Platform.Jobs;

namespace Imguard.Platform.Data;

/// <summary>Row of <c>job_log_entries</c>; the generated id orders a job's log and pages it.</summary>
internal sealed class JobLogEntryEntity
{
    public long Id { get; set; }

    public string JobId { get; set; } = "";

    public DateTimeOffset Time { get; set; }

    public JobLogLevel Level { get; set; }

    public string Message { get; set; } = "";
}
