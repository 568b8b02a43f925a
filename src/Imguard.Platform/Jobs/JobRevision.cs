using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>A revised job, the state it was revised from, and its consent digests before (null: it had no terms) and after.</summary>
public sealed record JobRevision(JobInfo Job, JobState From, byte[]? DigestBefore, byte[] DigestAfter);
