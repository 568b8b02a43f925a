
namespace Imguard.Contracts.Jobs;

/// <summary>
/// One point of a job's progress: <c>id</c> orders points by receipt (page with <c>?after=id</c>), <c>step</c> counts
/// from the job's start, <c>epoch</c> is 0-based, <c>loss</c> only for a job that reveals it, <c>time</c> when the
/// platform received the report.
/// </summary>
public sealed record JobProgressPointView(long Id, long Step, int Epoch, double? Loss, double? ImagesPerSecond, DateTimeOffset Time);
