using Imguard.Contracts.Jobs;
using Imguard.Learning.Training;
using Imguard.Party.Jobs.Attempts;
using Imguard.Party.Jobs.Queue;
using Imguard.Party.Jobs.Resume;
using Imguard.Party.Shares;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Jobs;

/// <summary>
/// One job taken from the <see cref="JobQueue"/> to its end here: report <c>preprocessing</c>, load the dataset half(s)
/// from the share store, run attempts (<see cref="AttemptLoop"/>) from where <see cref="ResumePolicy"/> says, and record
/// and report how it ended — <c>succeeded</c>; <c>cancelled</c> when asked; <c>failed</c> with a message that names
/// ids, shapes and counts, never a value; or nothing when the party is stopping (the job resumes at the next start).
/// </summary>
internal sealed class JobExecution(int partyId, ShareStore store, JobQueue queue, AttemptLoop attempts, JobReporter reporter, ILogger logger)
{
    public async Task RunAsync(string jobId, CancellationToken stoppingToken)
    {
        JobFolder folder = queue.Folder(jobId);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var run = new RunningJob(jobId, cancellation);
        if (!queue.TryBegin(folder, run, out JobDescription? description, out JobLocalState? state))
        {
            return;
        }
        bool resume = ResumePolicy.Resumes(state, folder.CheckpointEpochs());
        int minAttempt = ResumePolicy.FirstAttempt(state);
        run.Attempt = minAttempt;
        try
        {
            reporter.State(jobId, new JobStateReport(JobState.Preprocessing, Resume: resume));
            var spec = JobTraining.Spec(description);
            var options = JobTraining.Options(description);
            var format = JobTraining.Format(description);
            SharedDataset train = (await store.LoadAsync(description.TrainDatasetId, cancellation.Token)).Dataset;
            SharedDataset? test = description.TestDatasetId is null ? null : (await store.LoadAsync(description.TestDatasetId, cancellation.Token)).Dataset;
            foreach (SharedDataset half in test is null ? [train] : (SharedDataset[])[train, test])
            {
                if (half.Format != format)
                {
                    throw new InvalidDataException($"The dataset half is encoded with {half.Format.FractionalBits} fractional bits; the job uses {format.FractionalBits}.");
                }
            }
            await attempts.RunAsync(folder, new JobInputs(description, spec, options, format, train, test), run, minAttempt, resume, cancellation.Token);
            queue.Finish(folder, run, JobState.Succeeded, null);
            reporter.State(jobId, new JobStateReport(JobState.Succeeded));
        }
        catch (Exception) when (run.CancelRequested)
        {
            queue.Finish(folder, run, JobState.Cancelled, null);
            reporter.State(jobId, new JobStateReport(JobState.Cancelled));
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested)
        {
            // The party is stopping: the job stays queued or running here and resumes when the party starts again.
            logger.LogInformation("Job {Job} interrupted by the party's shutdown ({Reason}); it resumes at the next start.", jobId, e.GetType().Name);
        }
        catch (DealerRequestException e) when (e.JobIsOver)
        {
            queue.Finish(folder, run, JobState.Failed, "The platform has ended the job.");
            reporter.State(jobId, new JobStateReport(JobState.Failed, "The platform has ended the job."));
        }
        catch (Exception e)
        {
            string message = $"Party {partyId}: {FailureDescription.Of(e)}";
            logger.LogError("Job {Job} failed: {Reason}", jobId, message);
            queue.Finish(folder, run, JobState.Failed, message);
            reporter.Log(jobId, JobLogLevel.Error, message);
            reporter.State(jobId, new JobStateReport(JobState.Failed, message));
        }
        finally
        {
            queue.End();
        }
    }
}
