using Imguard.Dealer.Sessions;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;

namespace Imguard.Platform.Dealer;

/// <summary>The dealer's view of a job, read from the platform's database: the description and the sizes of its training and test sets.</summary>
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
        int testCount = 0;
        if (job.Value.TestDatasetId is { } testId)
        {
            Outcome<DatasetInfo> test = await datasets.GetForPartyAsync(testId, cancellationToken);
            if (!test.IsOk)
            {
                return null;
            }
            testCount = test.Value.Count;
        }
        return new DealerJob(JobDescriptions.From(job.Value, train.Value.FractionalBits), train.Value.Count, testCount);
    }
}
