
namespace Imguard.Contracts.Jobs;

/// <summary>
/// One epoch of a job (1-based) as its latest report left it: <c>step</c> the latest step within it (counted from the
/// job's start), <c>loss</c> only for a job that reveals it, <c>accuracy</c> when a party reports one,
/// <c>durationSeconds</c> the party's time in the epoch up to that step, <c>checkpoint</c> whether a checkpoint of this
/// many epochs was written.
/// </summary>
public sealed record JobEpochView(int Epoch, long Step, double? Loss, double? Accuracy, double? ImagesPerSecond, double? DurationSeconds, bool Checkpoint,
    DateTimeOffset Time);
