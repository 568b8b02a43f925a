namespace Imguard.Platform.Api;

/// <summary>
/// POST /internal/jobs/{id}/progress. <c>loss</c> only when the job reveals it; <c>checkpointEpoch</c> when a
/// checkpoint was written; <c>resumedFromEpoch</c> on every report of an attempt that resumed the job (the checkpoint
/// epoch it started from). The metrics stored are <c>imagesPerSecond</c>, <c>loss</c> and <c>accuracy</c> (those given);
/// <c>epochSeconds</c> (the party's time in the current epoch so far) becomes the epoch row's duration.
/// </summary>
public sealed record JobProgressRequest(int Epoch, long Step, long TotalSteps, double? ImagesPerSecond = null, double? Loss = null, double? Accuracy = null,
    int? CheckpointEpoch = null, int? ResumedFromEpoch = null, double? EpochSeconds = null);
