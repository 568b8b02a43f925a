namespace Imguard.Platform.Jobs;

/// <summary>
/// One stored progress report of a job: <see cref="Id"/> orders points by receipt (page with it), <see cref="Step"/>
/// counts from the job's start, <see cref="Epoch"/> is 0-based, <see cref="Loss"/> only for a job that reveals it,
/// <see cref="Time"/> when the platform received it.
/// </summary>
public sealed record JobProgressPoint(long Id, long Step, int Epoch, double? Loss, double? ImagesPerSecond, DateTimeOffset Time);
