using System.Diagnostics;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Training;
using Imguard.Mpc.Transport;
using Imguard.Party.Jobs.Agreement;
using Imguard.Party.Jobs.Queue;
using Imguard.Party.Telemetry;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>
/// One attempt both parties joined at the dealer: open the peer link for it (session <c>{job}/{attempt}</c>), agree
/// with the other party on the job and the checkpoint to start from (<see cref="PeerAgreement"/>), then train —
/// checkpointing this party's model share after every epoch, evaluating on the test half if any, storing the model
/// share — or, for an inference job, apply a trained model share to the images. Both run in a
/// <see cref="PartySession"/> from the one <see cref="PartySessionFactory"/>. Any failure ends the attempt; whether
/// another starts is the <see cref="AttemptLoop"/>'s call.
/// </summary>
internal sealed class JobAttempt(int partyId, string jobsRoot, PeerConnector peers, PartySessionFactory sessions, JobReporter reporter,
    JobRunnerOptions options, ILogger logger, TimeProvider time)
{
    /// <param name="resumed">The job resumes (it ran before, in this run of the party or an earlier one): its reports say from where.</param>
    public async Task RunAsync(JobFolder folder, JobInputs job, RunningJob run, JoinedAttempt attempt, bool resumed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(attempt);
        // The job id is drawn at random by the platform (and named by the audit log): it tells nothing about the data.
        using Activity? span = PartyTelemetry.Source.StartActivity("imguard.job.attempt");
        span?.SetTag("imguard.job.id", job.JobId);
        span?.SetTag("imguard.job.attempt", attempt.Attempt);
        span?.SetTag("imguard.party", partyId);
        await using TlsPeerChannel channel = await peers.ConnectAsync(partyId, $"{job.JobId}/{attempt.Attempt}", options.PeerTimeout, cancellationToken);
        int resumeEpoch = await PeerAgreement.AgreeAsync(channel, job.Description, folder, cancellationToken);
        if (job.Description.ModelFromJobId is { } modelJob)
        {
            await InferAsync(folder, job, modelJob, attempt, channel, cancellationToken);
            return;
        }
        await TrainAsync(folder, job, run, attempt, channel, resumeEpoch, resumed, cancellationToken);
    }

    private async Task TrainAsync(JobFolder folder, JobInputs job, RunningJob run, JoinedAttempt attempt, TlsPeerChannel channel, int resumeEpoch, bool resumed,
        CancellationToken cancellationToken)
    {
        string jobId = job.JobId;
        TrainingOptions trainingOptions = job.Options;
        SharedDataset train = job.Train;
        ModelCheckpoint? checkpoint = resumeEpoch > 0 ? ModelCheckpoint.Load(folder.CheckpointPath(resumeEpoch)) : null;
        // A resumed run reports where it started again, so the platform keeps the progress it showed and says so.
        int? resumedFrom = resumed ? resumeEpoch : null;
        reporter.State(jobId, new JobStateReport(JobState.Running));
        reporter.Log(jobId, JobLogLevel.Information, resumeEpoch > 0
            ? $"attempt {attempt.Attempt} resumed from epoch {resumeEpoch}, the newest checkpoint both parties hold."
            : resumed ? $"attempt {attempt.Attempt} starts again from newly dealt initial weights (no checkpoint both parties hold)."
            : $"attempt {attempt.Attempt} starts from dealt initial weights.");

        await using PartySession session = await sessions.OpenAsync(job, attempt, channel, checkpoint, PartySessionPurpose.Training, run.PrefetchOff, cancellationToken);
        SecureTraining training = session.Training;
        int stepsPerEpoch = (train.Count + trainingOptions.BatchSize - 1) / trainingOptions.BatchSize;
        long totalSteps = (long)stepsPerEpoch * trainingOptions.Epochs;
        SharedDataset? test = job.Test;
        if (UnionStandardizationStep.Applies(job.Description))
        {
            StandardizedInputs inputs = await UnionStandardizationStep.TrainingAsync(folder, job, session, channel, resumeEpoch, cancellationToken);
            (train, test) = (inputs.Train, inputs.Test);
            reporter.Log(jobId, JobLogLevel.Information, inputs.Reused
                ? $"standardised over the union of {train.Count} images with the statistics an earlier attempt opened."
                : $"standardised over the union of {train.Count} images: opened 2 numbers per channel.");
            if (partyId == 0)
            {
                reporter.Progress(jobId, new JobProgressReport(resumeEpoch, (long)resumeEpoch * stepsPerEpoch, totalSteps, ResumedFromEpoch: resumedFrom,
                    Standardization: inputs.Statistics));
            }
        }
        var progress = new TrainingProgressPoster(partyId, reporter, time, options.ProgressInterval, jobId, totalSteps, resumedFrom);
        await training.TrainAsync(train, checkpointPath: null, new TrainingStepTelemetry(progress, channel.Statistics), (epochs, _) =>
        {
            folder.SaveCheckpoint(training.Checkpoint());
            if (partyId == 0)
            {
                reporter.Progress(jobId, new JobProgressReport(epochs - 1, (long)epochs * stepsPerEpoch, totalSteps, progress.ImagesPerSecond, progress.Loss,
                    CheckpointEpoch: epochs, ResumedFromEpoch: resumedFrom, EpochSeconds: progress.EpochSeconds));
            }
            return Task.CompletedTask;
        }, cancellationToken);
        if (test is not null)
        {
            // With test-time encodings the training set supplies the partner images, as it does in training.
            EvaluationShares evaluation = trainingOptions.TestEncodings > 0
                ? await training.EvaluateEncodedAsync(test, train, cancellationToken)
                : await training.EvaluateAsync(test, options.EvaluationBatchSize, cancellationToken);
            EvaluationSharesFile.Save(evaluation, folder.EvaluationPath);
        }
        training.Checkpoint().Save(folder.ModelPath);
        RemoteDealerFeed items = session.Items;
        logger.LogInformation("Job {Job}: attempt {Attempt} done; {Items} dealer items ({Prefetched} prefetched, {Words} words), {Rounds} peer rounds.",
            jobId, attempt.Attempt, items.ItemsReceived, items.ItemsPrefetched, items.WordsReceived, channel.Statistics.Snapshot().Rounds);
    }

    /// <summary>
    /// An inference job: this party's final model share of <paramref name="modelJob"/> applied to its half of the
    /// dataset by secure inference; the prediction shares are stored for the owner, nothing is opened. The images are
    /// classified clean: test-time encodings need the model job's training set as partners, which an inference job
    /// does not load.
    /// </summary>
    private async Task InferAsync(JobFolder folder, JobInputs job, string modelJob, JoinedAttempt attempt, TlsPeerChannel channel, CancellationToken cancellationToken)
    {
        SharedDataset images = job.Test!;
        string modelPath = new JobFolder(jobsRoot, modelJob).ModelPath;
        if (!File.Exists(modelPath))
        {
            throw new InvalidDataException($"This party holds no trained model of job {modelJob}.");
        }
        ModelCheckpoint model = ModelCheckpoint.Load(modelPath);
        reporter.State(job.JobId, new JobStateReport(JobState.Running));
        reporter.Log(job.JobId, JobLogLevel.Information, $"attempt {attempt.Attempt} applies the model of {modelJob} to {images.Count} images.");
        await using PartySession session = await sessions.OpenAsync(job, attempt, channel, model, PartySessionPurpose.Inference, prefetchOff: true, cancellationToken);
        // A model trained over a union takes inputs standardised with that union's statistics, as this party recorded them.
        (images, ChannelStatistics? statistics) = await UnionStandardizationStep.InferenceAsync(new JobFolder(jobsRoot, modelJob), job, session, channel, cancellationToken);
        if (statistics is not null)
        {
            reporter.Log(job.JobId, JobLogLevel.Information, $"standardised the {images.Count} images with the statistics of the union job {modelJob} trained on.");
        }
        EvaluationShares predictions = await session.Training.EvaluateAsync(images, options.EvaluationBatchSize, cancellationToken);
        EvaluationSharesFile.Save(predictions, folder.EvaluationPath);
        logger.LogInformation("Job {Job}: inference with the model of {Model} done; {Items} dealer items, {Rounds} peer rounds.",
            job.JobId, modelJob, session.Items.ItemsReceived, channel.Statistics.Snapshot().Rounds);
    }
}
