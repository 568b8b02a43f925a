using Imguard.Contracts.Audit;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Shares;
using Imguard.Learning.Training;
using Imguard.Party.Jobs.Attempts;
using Imguard.Party.Jobs.Queue;
using Imguard.Party.Jobs.Resume;
using Imguard.Party.Shares;
using Imguard.ServiceDefaults.Audit;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Jobs;

/// <summary>
/// One job taken from the <see cref="JobQueue"/> to its end here: check the job's consent against the owner keys bound
/// to this party's halves (<see cref="JobConsentCheck"/>; refused: <c>failed</c> and the audit event
/// <c>job.start_refused</c>, nothing loaded), report <c>preprocessing</c>, load the training halves as one set
/// (<see cref="TrainingUnion"/>) and the test half
/// from the share store, run attempts (<see cref="AttemptLoop"/>) from where <see cref="ResumePolicy"/> says, and record
/// and report how it ended — <c>succeeded</c>; <c>cancelled</c> when asked; <c>failed</c> with a message that names
/// ids, shapes and counts, never a value; or nothing when the party is stopping (the job resumes at the next start).
/// </summary>
internal sealed class JobExecution(int partyId, ShareStore store, JobQueue queue, AttemptLoop attempts, JobReporter reporter, AuditClient? audit, ILogger logger)
{
    // The audit server's limits on an event's subjects (Imguard.Audit's AuditEvent).
    private const int MaxAuditSubjects = 16;
    private const int MaxAuditSubjectLength = 128;

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
            var (refusal, ownerKeys) = await JobConsentCheck.CheckAsync(description, store, cancellation.Token);
            if (refusal is not null)
            {
                Refuse(folder, run, description, refusal);
                return;
            }
            reporter.State(jobId, new JobStateReport(JobState.Preprocessing, Resume: resume));
            var spec = JobTraining.Spec(description);
            var options = JobTraining.Options(description);
            var format = JobTraining.Format(description);
            if (UnionStandardizationStep.Problem(description, spec) is { } standardizationProblem)
            {
                throw new InvalidDataException(standardizationProblem);
            }
            var (train, trainCounts) = await TrainingUnion.LoadAsync(description, store, ownerKeys, cancellation.Token);
            if (description.AdditionalTrainDatasetIds.Count > 0)
            {
                reporter.Log(jobId, JobLogLevel.Information,
                    $"training on the union of {description.TrainDatasetIds.Count} datasets, {train.Count} images in all, in the order {string.Join(", ", description.TrainDatasetIds)}.");
            }
            SharedDataset? test = description.TestDatasetId is null ? null : await TrainingUnion.LoadHalfAsync(description.TestDatasetId, store, ownerKeys, cancellation.Token);
            foreach (SharedDataset half in test is null ? [train] : (SharedDataset[])[train, test])
            {
                if (half.Format != format)
                {
                    throw new InvalidDataException($"The dataset half is encoded with {half.Format.FractionalBits} fractional bits; the job uses {format.FractionalBits}.");
                }
            }
            await attempts.RunAsync(folder, new JobInputs(description, spec, options, format, train, test, trainCounts), run, minAttempt, resume, cancellation.Token);
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

    /// <summary>
    /// The job's consent does not hold here: it fails before anything is loaded, with a message naming the dataset or
    /// recipient and the key's short fingerprint, and the refusal is audited (this party's own event, whatever the
    /// platform records).
    /// </summary>
    private void Refuse(JobFolder folder, RunningJob run, JobDescription description, string refusal)
    {
        string message = $"Party {partyId} refused to start the job: {refusal}";
        logger.LogWarning("Job {Job}: {Reason}", description.JobId, message);
        IEnumerable<string> datasets = description.TestDatasetId is { } test ? description.TrainDatasetIds.Append(test) : description.TrainDatasetIds;
        // Audit subjects are validated by the audit server (at most 16, each at most 128 characters): a subject it would
        // refuse must not make the batch fail, so a job of many datasets names its first ones.
        string[] subjects =
        [
            .. new[] { $"job:{description.JobId}" }.Concat(datasets.Where(ShareFileFormat.IsValidDatasetId).Select(id => $"dataset:{id}"))
                .Where(subject => subject.Length <= MaxAuditSubjectLength).Take(MaxAuditSubjects),
        ];
        audit?.Emit(AuditEventTypes.JobStartRefused, $"party:{partyId}", subjects,
            new Dictionary<string, object> { ["party"] = partyId, ["reason"] = refusal, ["datasets"] = description.TrainDatasetIds.Count + (description.TestDatasetId is null ? 0 : 1) });
        queue.Finish(folder, run, JobState.Failed, message);
        reporter.Log(description.JobId, JobLogLevel.Error, message);
        reporter.State(description.JobId, new JobStateReport(JobState.Failed, message));
    }
}
