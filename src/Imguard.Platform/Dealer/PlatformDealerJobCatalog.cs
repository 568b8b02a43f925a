using Imguard.Contracts.Datasets;
using Imguard.Dealer.Sessions;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;

namespace Imguard.Platform.Dealer;

/// <summary>
/// The dealer's view of a job, read from the platform's database: the description and the sizes of its training set —
/// the union of every training dataset (ΣNᵢ, the index space of the public shuffled order) — and of its test set.
/// </summary>
public sealed class PlatformDealerJobCatalog(JobService jobs, DatasetRegistry datasets) : IDealerJobCatalog
{
    public async Task<DealerJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        Outcome<JobInfo> job = await jobs.GetForServiceAsync(jobId, cancellationToken);
        // A job still waiting for approvals has no dealer material yet: nothing may run before every key signed.
        if (!job.IsOk || JobStateMachine.IsFinal(job.Value.State) || job.Value.State == Imguard.Contracts.Jobs.JobState.AwaitingApproval)
        {
            return null;
        }
        // The union: every training dataset in order (one for an inference job or an older job), counted together.
        IReadOnlyList<string> trainIds = job.Value.HasConsent
            ? [.. job.Value.Datasets!.Where(d => d.Purpose == DatasetPurpose.Train).OrderBy(d => d.Position).Select(d => d.DatasetId)]
            : [job.Value.TrainDatasetId];
        int trainingCount = 0;
        int fractionalBits = 0;
        foreach (string trainId in trainIds)
        {
            Outcome<DatasetInfo> train = await datasets.GetForPartyAsync(trainId, cancellationToken);
            if (!train.IsOk)
            {
                return null;
            }
            trainingCount = checked(trainingCount + train.Value.Count);
            fractionalBits = trainId == job.Value.TrainDatasetId ? train.Value.FractionalBits : fractionalBits;
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
        return new DealerJob(JobDescriptions.From(job.Value, fractionalBits), trainingCount, testCount);
    }
}
