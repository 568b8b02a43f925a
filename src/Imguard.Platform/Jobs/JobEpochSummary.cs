namespace Imguard.Platform.Jobs;

/// <summary>
/// One epoch of a job as its latest report left it: <see cref="Epoch"/> is 1-based, <see cref="Step"/> the latest
/// step reported within it (counted from the job's start), the metrics those of that report (<see cref="Loss"/> only
/// for a job that reveals it), <see cref="DurationSeconds"/> the party's time in the epoch up to that step, and
/// <see cref="Checkpoint"/> whether a checkpoint of this many epochs was written.
/// </summary>
public sealed record JobEpochSummary(int Epoch, long Step, double? Loss, double? Accuracy, double? ImagesPerSecond, double? DurationSeconds, bool Checkpoint,
    DateTimeOffset Time);
