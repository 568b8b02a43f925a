using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>
/// One line of a job's log; <see cref="Id"/> grows (the order the platform received them), so a client pages with
/// "after id". <see cref="Time"/> is when it happened by the reporting party's clock (when plausible), <see cref="ReceivedAt"/>
/// when the platform stored it.
/// </summary>
public sealed record JobLogEntry(long Id, string JobId, DateTimeOffset Time, JobLogLevel Level, string Message, DateTimeOffset ReceivedAt);
