namespace Imguard.Dealer.Sessions;

/// <summary>
/// Where the dealer learns what it needs about a job: its description and the size of its training set. The platform
/// implements it from its database (the job row and the training dataset's count); tests implement it in memory.
/// </summary>
public interface IDealerJobCatalog
{
    /// <summary>The job, or null when it is unknown or already over (succeeded, failed, cancelled): no new attempt starts then.</summary>
    Task<DealerJob?> GetAsync(string jobId, CancellationToken cancellationToken);
}
