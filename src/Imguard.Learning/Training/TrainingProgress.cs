namespace Imguard.Learning.Training;

/// <summary>
/// One progress report, after each training step. <see cref="Loss"/> is set only when the job reveals the loss
/// (<see cref="TrainingOptions.RevealLoss"/>); otherwise nothing about the data or model is in a report.
/// <see cref="EpochElapsed"/>: the time since the epoch began, up to the end of this step.
/// </summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double ImagesPerSecond, double LearningRate, double? Loss,
    TimeSpan EpochElapsed = default);
