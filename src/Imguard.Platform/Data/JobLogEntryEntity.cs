using Imguard.Contracts.Jobs;
using Imguard.Platform.Jobs;

namespace Imguard.Platform.Data;

/// <summary>Row of <c>job_log_entries</c>; the generated id orders a job's log and pages it.</summary>
internal sealed class JobLogEntryEntity
{
    public long Id { get; set; }

    public string JobId { get; set; } = "";

    /// <summary>When it happened, by the reporting party's clock if plausible (see <c>JobService.MaxLogClockSkew</c>), else <see cref="ReceivedAt"/>.</summary>
    public DateTimeOffset Time { get; set; }

    /// <summary>When the platform stored it.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    public JobLogLevel Level { get; set; }

    public string Message { get; set; } = "";
}
