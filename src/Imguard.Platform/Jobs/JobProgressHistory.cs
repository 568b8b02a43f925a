namespace Imguard.Platform.Jobs;

/// <summary>
/// A job's stored progress: its points after the asked-for id (in receipt order, which is also step order), every
/// epoch row, the <see cref="Stride"/> of its step slots (1: every report kept) and the platform's <see cref="Now"/>,
/// so a client can show a running job's elapsed time by the platform's clock.
/// </summary>
public sealed record JobProgressHistory(long Stride, DateTimeOffset Now, IReadOnlyList<JobProgressPoint> Points, IReadOnlyList<JobEpochSummary> Epochs);
