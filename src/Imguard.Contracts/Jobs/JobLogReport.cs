namespace Imguard.Contracts.Jobs;

/// <summary>One line for a job's log, <c>POST /internal/jobs/{id}/log</c> (JSON, camelCase): ids, counts and reasons, never values.</summary>
public sealed record JobLogReport(string Level, string Message);

/// <summary>The levels of <see cref="JobLogReport.Level"/>.</summary>
public static class JobLogLevels
{
    public const string Information = "information";
    public const string Warning = "warning";
    public const string Error = "error";
}
