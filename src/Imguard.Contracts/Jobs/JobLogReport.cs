namespace Imguard.Contracts.Jobs;

/// <summary>
/// One line for a job's log, <c>POST /internal/jobs/{id}/log</c> (JSON, camelCase): ids, counts and reasons, never
/// values. <see cref="Time"/> is when it happened by the party's clock (a line may reach the platform late, after a
/// platform restart); the platform shows it when it is within its accepted clock skew, else its own receipt time.
/// </summary>
public sealed record JobLogReport(string Level, string Message, DateTimeOffset? Time = null);

/// <summary>The levels of <see cref="JobLogReport.Level"/>.</summary>
public static class JobLogLevels
{
    public const string Information = "information";
    public const string Warning = "warning";
    public const string Error = "error";
}
