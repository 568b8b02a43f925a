using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;

namespace Imguard.Platform.Dealer;

/// <summary>The dealer's view of a job, read from the platform's database: the description and the training set's size.</summary>
public sealed class PlatformDealerJobCatalog(JobService jobs, DatasetRegistry datasets) : IDealerJobCatalog
{
    public async Task<DealerJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        Outcome<JobInfo> job = await jobs.GetForServiceAsync(jobId, cancellationToken);
        if (!job.IsOk || JobStateMachine.IsFinal(job.Value.State))
        {
            return null;
        }
        Outcome<DatasetInfo> train = await datasets.GetForPartyAsync(job.Value.TrainDatasetId, cancellationToken);
        if (!train.IsOk)
        {
            return null;
        }
        return new DealerJob(JobDescriptions.From(job.Value, train.Value.FractionalBits), train.Value.Count);
    }
}
