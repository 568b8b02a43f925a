namespace Imguard.Contracts.Jobs;

/// <summary>A party's answer to <c>POST /internal/jobs/{id}/start</c> or <c>/cancel</c>: the job's local state (queued, running, …).</summary>
public sealed record JobStartReply(string JobId, JobState State, int Attempt);
