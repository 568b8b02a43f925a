namespace Imguard.Party.Jobs;

/// <summary>How a party runs jobs; validated by <see cref="JobRunner"/>.</summary>
public sealed record JobRunnerOptions
{
    /// <summary>How long to wait for the other party on the peer link, per attempt.</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>New attempts after a lost peer link or dealer within one run of this process, before the job fails.</summary>
    public int MaxResumes { get; init; } = 8;

    /// <summary>
    /// Wait before the first new attempt, doubled for each further one up to <see cref="MaxResumeDelay"/>: a platform
    /// or peer that is restarting gets time to come back (8 resumes wait about two minutes in all) instead of the job
    /// burning its attempts in a second.
    /// </summary>
    public TimeSpan ResumeDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxResumeDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Least time between two progress reports (the last step of each epoch is always reported).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Threads of this party's local kernels (-1: all cores).</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Fetch a step's dealer items in the background once steps of its kind have shown their sequence (see <see cref="RemoteDealerFeed"/>).</summary>
    public bool Prefetch { get; init; } = true;

    /// <summary>Test images per secure evaluation batch.</summary>
    public int EvaluationBatchSize { get; init; } = 256;

    internal void Validate()
    {
        if (PeerTimeout <= TimeSpan.Zero || MaxResumes < 0 || ResumeDelay < TimeSpan.Zero || MaxResumeDelay < ResumeDelay || ProgressInterval < TimeSpan.Zero || EvaluationBatchSize < 1
            || MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(JobRunnerOptions), "Job runner options out of range.");
        }
    }
}
