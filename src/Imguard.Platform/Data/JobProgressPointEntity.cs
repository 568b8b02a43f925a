namespace Imguard.Platform.Data;

/// <summary>
/// Row of <c>job_progress_points</c>: one progress report of a job as the chart draws it. The generated id orders the
/// rows by receipt and pages them; <see cref="Slot"/> is the report's step bucket (see
/// <c>JobService.MaxProgressPoints</c>): a job keeps one point per slot, and a report replaces every point at or after
/// its slot, so the rows are always one run's history in step order.
/// </summary>
internal sealed class JobProgressPointEntity
{
    public long Id { get; set; }

    public string JobId { get; set; } = "";

    public long Slot { get; set; }

    /// <summary>Steps done since the job began (as reported: 1 after the first step).</summary>
    public long Step { get; set; }

    /// <summary>The 0-based epoch the step belongs to.</summary>
    public int Epoch { get; set; }

    /// <summary>The step's training loss; only for a job that reveals it.</summary>
    public double? Loss { get; set; }

    public double? ImagesPerSecond { get; set; }

    /// <summary>When the platform received the report.</summary>
    public DateTimeOffset Time { get; set; }
}
