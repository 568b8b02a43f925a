namespace Imguard.Contracts.Jobs;

/// <summary>
/// A party's word on a job's state, <c>POST /internal/jobs/{id}/state</c> (JSON, camelCase); the party id comes from
/// its certificate. <see cref="Message"/> says why a job failed and never carries a value (ids, shapes, counts only).
/// <see cref="Resume"/> marks the move back to preprocessing when a job resumes from a checkpoint.
/// Both parties report; the platform takes the first of two equal reports and ignores a repeated one.
/// </summary>
public sealed record JobStateReport(JobState State, string? Message = null, bool Resume = false);
