using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>
/// A progress report from the runner. <see cref="MetricsJson"/> holds only what a job may disclose (e.g. the revealed
/// loss when the job opted in); null leaves the stored metrics as they are. <see cref="ResumedFromEpoch"/>: the report
/// comes from an attempt that resumed from that checkpoint epoch (its steps may be behind those shown).
/// <see cref="EpochSeconds"/>: the party's time spent in the current epoch so far. <see cref="Standardization"/>: the
/// statistics the parties opened for a job standardised over the union (recorded once).
/// </summary>
public sealed record JobProgress(int Epoch, long Step, long TotalSteps, string? MetricsJson = null, int? CheckpointEpoch = null, int? ResumedFromEpoch = null,
    double? EpochSeconds = null, ChannelStatistics? Standardization = null);
