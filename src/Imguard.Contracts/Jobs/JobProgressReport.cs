namespace Imguard.Contracts.Jobs;

/// <summary>
/// Training progress, <c>POST /internal/jobs/{id}/progress</c> (JSON, camelCase), from party 0, at most twice a second
/// and after every epoch. <see cref="Step"/> counts from the start of the job (1 after the first step) up to
/// <see cref="TotalSteps"/>; <see cref="Loss"/> only when the job reveals it; <see cref="CheckpointEpoch"/> when a
/// checkpoint of that many epochs has just been written. <see cref="ResumedFromEpoch"/> is set on every report of an
/// attempt that resumed an interrupted job: the epoch count of the checkpoint it started again from (0: from newly dealt
/// weights). Its steps may then lie behind what the platform already showed; the platform keeps the highest progress and
/// says "resumed from epoch N" instead of going backwards. <see cref="EpochSeconds"/>: the time this party has spent in
/// the current epoch so far (the platform shows it as the epoch's duration). The platform stores
/// <see cref="ImagesPerSecond"/>, <see cref="Loss"/> and <see cref="Accuracy"/> (those given, each finite) as the step's
/// metrics. <see cref="Standardization"/>: in a job standardised over the union, the statistics the parties opened
/// (<see cref="ChannelStatistics"/>), sent once before the first step; the platform records them. One record for both sides: the party sends it, the platform binds it.
/// </summary>
public sealed record JobProgressReport(int Epoch, long Step, long TotalSteps, double? ImagesPerSecond = null, double? Loss = null, int? CheckpointEpoch = null,
    int? ResumedFromEpoch = null, double? EpochSeconds = null, double? Accuracy = null, ChannelStatistics? Standardization = null);
