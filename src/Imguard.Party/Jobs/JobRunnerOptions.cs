namespace Imguard.Party.Jobs;

/// <summary>How a party runs jobs; validated by <see cref="JobRunner"/>.</summary>
public sealed record JobRunnerOptions
{
    /// <summary>How long to wait for the other party on the peer link, per attempt.</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>New attempts after a lost peer link or dealer within one run of this process, before the job fails.</summary>
    public int MaxResumes { get; init; } = 3;

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
        if (PeerTimeout <= TimeSpan.Zero || MaxResumes < 0 || ProgressInterval < TimeSpan.Zero || EvaluationBatchSize < 1
            || MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(JobRunnerOptions), "Job runner options out of range.");
        }
    }
}
