namespace Imguard.Platform.Jobs;

/// <summary>What an approval, a decline or a withdrawal did: the job after it, the fingerprints of the keys concerned and whether the job changed state.</summary>
public sealed record ConsentChange(JobInfo Job, IReadOnlyList<string> Fingerprints, bool StateChanged);
