namespace Imguard.Platform.Jobs;

/// <summary>
/// What a state report did: the job after it, and whether it moved. Both parties report every state, so the second
/// report of a state finds the job already there: that is no change (no save, no audit event, no notification), not a
/// refusal.
/// </summary>
public sealed record JobStateChange(JobInfo Job, bool Changed);
