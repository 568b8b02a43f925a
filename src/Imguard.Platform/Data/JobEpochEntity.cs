namespace Imguard.Platform.Data;

/// <summary>
/// Row of <c>job_epochs</c>: the latest report within one epoch of a job (the epoch is 1-based here, as shown: the row
/// for epoch N ends with the report of its last step). A resumed attempt re-running epoch N replaces the rows from N on.
/// </summary>
internal sealed class JobEpochEntity
{
    public string JobId { get; set; } = "";

    public int Epoch { get; set; }

    /// <summary>The latest step reported within the epoch (steps count from the job's start).</summary>
    public long Step { get; set; }

    public double? Loss { get; set; }

    public double? Accuracy { get; set; }

    public double? ImagesPerSecond { get; set; }

    /// <summary>The party's time spent in the epoch up to <see cref="Step"/>, when the party reports it.</summary>
    public double? DurationSeconds { get; set; }

    /// <summary>A checkpoint of this many epochs was written (a resumed attempt can start again from it).</summary>
    public bool Checkpoint { get; set; }

    /// <summary>When the platform received the epoch's latest report.</summary>
    public DateTimeOffset Time { get; set; }
}
