namespace Imguard.Contracts.Jobs;

/// <summary>
/// One line for a job's log, <c>POST /internal/jobs/{id}/log</c> (JSON, camelCase), sent by a party and bound by the
/// platform: ids, counts and reasons, never values. <see cref="Level"/> travels as its name (any case is read, as an
/// earlier party's lowercase names). <see cref="Time"/> is when it happened by the party's clock (a line may reach the
/// platform late, after a platform restart); the platform shows it when it is within its accepted clock skew, else its
/// own receipt time. The platform refuses an empty message.
/// </summary>
public sealed record JobLogReport(JobLogLevel Level, string? Message, DateTimeOffset? Time = null);
