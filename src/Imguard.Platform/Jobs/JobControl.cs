using Imguard.Contracts.Jobs;
using Imguard.Platform.Data;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Jobs;

/// <summary>
/// A job's creator takes a stopped job up again: resume it from its newest checkpoint, restart it from newly dealt
/// weights, or revise it (new settings, datasets or recipients). Only the creator, and only with the right to start
/// jobs in the project; a non-member gets NotFound, another member Forbidden. Resume and restart keep the consent terms
/// byte for byte, so the approvals stay valid and the parties verify them again at the start; a revision changes the
/// terms (the revision number is signed from 1 on), so every approval is deleted and the job waits for new ones. The
/// transitions are <see cref="JobStateMachine.ReopenRefusal"/>'s; the attempt number goes up whenever the parties may
/// hold the job already, so each party takes the next start as a new attempt of a job it has as failed or cancelled.
/// </summary>
public sealed class JobControl
{
    private readonly PlatformDatabase _database;
    private readonly TimeProvider _time;

    public JobControl(PlatformDatabase database, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Queues a failed or cancelled training job again with the next attempt: <see cref="JobControlAction.Resume"/>
    /// from the newest checkpoint both parties hold (the job must have reported one), <see cref="JobControlAction.Restart"/>
    /// from newly dealt weights (its progress and history are cleared: the parties train from the beginning). Refused
    /// (409) when the job never had every approval: that one is revised instead.
    /// </summary>
    public Task<Outcome<JobInfo>> ResumeAsync(Guid userId, string jobId, JobControlAction action, CancellationToken cancellationToken = default)
    {
        if (action is not (JobControlAction.Resume or JobControlAction.Restart))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "Resume or restart.");
        }
        return _database.RunAsync(async db =>
        {
            var (job, failure) = await FindAsync(db, userId, jobId, action, cancellationToken);
            if (failure is not null)
            {
                return failure;
            }
            var (consent, problem) = JobConsentState.Of(JobService.ToInfo(job!));
            if (consent is null)
            {
                return PlatformError.Conflict<JobInfo>($"Job {job!.Id} has no consent terms: {problem}.");
            }
            if (consent.Missing.Count > 0)
            {
                return PlatformError.Conflict<JobInfo>($"Job {job!.Id} never had every approval ({consent.Missing.Count} missing): revise it to ask its owners and recipients again.");
            }
            if (action == JobControlAction.Resume && job!.LastCheckpointEpoch is null)
            {
                return PlatformError.Conflict<JobInfo>($"Job {job.Id} has no checkpoint to resume from: restart it from the beginning instead.");
            }

            bool restart = action == JobControlAction.Restart;
            if (restart)
            {
                await ClearProgressAsync(db, job!, cancellationToken);
            }
            job!.State = JobState.Queued;
            job.Attempt++;
            job.StartOver = restart;
            Reopen(db, job);
            await db.SaveChangesAsync(cancellationToken);
            return JobService.ToInfo(job);
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces a training job's settings, datasets and recipients by <paramref name="request"/> (checked as a creation
    /// checks them; same project), deletes every approval, raises the revision and makes it wait for approvals again.
    /// A job the parties may hold already starts over at its next start, in a new attempt. Returns the job with the
    /// consent digests before and after.
    /// </summary>
    public Task<Outcome<JobRevision>> ReviseAsync(Guid userId, string jobId, JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? invalidJson = InputRules.JsonObject(request.ModelSpecJson, "model spec", JobService.MaxJsonLength)
            ?? InputRules.JsonObject(request.TrainingOptionsJson, "training options", JobService.MaxJsonLength);
        if (invalidJson is not null)
        {
            return Task.FromResult(PlatformError.Invalid<JobRevision>(invalidJson));
        }
        return _database.RunAsync(async db =>
        {
            var (job, failure) = await FindAsync(db, userId, jobId, JobControlAction.Revise, cancellationToken);
            if (failure is not null)
            {
                return failure.Cast<JobRevision>();
            }
            if (request.ProjectId != job!.ProjectId)
            {
                return PlatformError.Invalid<JobRevision>("A revised job stays in its project.");
            }
            string? invalid = await JobService.CheckDatasetAsync(db, request.ProjectId, request.TrainDatasetId, Contracts.Datasets.DatasetPurpose.Train, cancellationToken)
                ?? (request.TestDatasetId is null ? null
                    : await JobService.CheckDatasetAsync(db, request.ProjectId, request.TestDatasetId, Contracts.Datasets.DatasetPurpose.Test, cancellationToken));
            if (invalid is not null)
            {
                return PlatformError.Invalid<JobRevision>(invalid);
            }
            var rows = await JobService.ConsentRowsAsync(db, userId, request, cancellationToken);
            if (!rows.IsOk)
            {
                return rows.Cast<JobRevision>();
            }
            byte[]? before = JobConsentState.Of(JobService.ToInfo(job)).State?.Digest;
            JobState from = job.State;

            // Every approval goes: they were over the old terms (the revision number alone makes the new ones differ). The
            // old rows are deleted before the new ones (same keys) are added, in one transaction with the job's claim.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.RemoveRange(job.Approvals);
            db.RemoveRange(job.Datasets);
            db.RemoveRange(job.Recipients);
            db.Touch(job);
            await db.SaveChangesAsync(cancellationToken);
            job.Approvals = [];
            job.Datasets = [.. rows.Value.Datasets.Select(d => { d.JobId = job.Id; return d; })];
            job.Recipients = [.. rows.Value.Recipients.Select(r => { r.JobId = job.Id; return r; })];

            await ClearProgressAsync(db, job, cancellationToken);
            job.TrainDatasetId = request.TrainDatasetId;
            job.TestDatasetId = request.TestDatasetId;
            job.ModelSpecJson = request.ModelSpecJson;
            job.TrainingOptionsJson = request.TrainingOptionsJson;
            // The standardisation is fixed again from the datasets' scalings as registered now, as at creation; the
            // statistics an earlier run opened were of its union and go.
            job.StandardizationJson = JobStandardizationRows.Write(rows.Value.Standardization);
            job.StandardizationStatisticsJson = JobStandardizationRows.Write(rows.Value.Statistics);
            job.Revision++;
            // Parties that held the job keep a folder of the earlier revision: the next start is a new attempt there,
            // and nothing of the earlier settings' training carries over.
            if (job.DispatchedAt is not null)
            {
                job.Attempt++;
                job.StartOver = true;
            }
            job.DispatchedAt = null;
            job.State = JobState.AwaitingApproval;
            Reopen(db, job);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            JobInfo revised = JobService.ToInfo(job);
            var (after, problem) = JobConsentState.Of(revised);
            if (after is null)
            {
                // Not reachable from rows ConsentRowsAsync checked; refused rather than stored without terms.
                throw new InvalidOperationException($"Job {job.Id} has no consent terms after its revision: {problem}.");
            }
            return new JobRevision(revised, from, before, after.Digest);
        }, cancellationToken);
    }

    // The job, the caller's right to start jobs in its project, that the caller created it, that it is a training job
    // and that its state allows the action.
    private static async Task<(JobEntity? Job, Outcome<JobInfo>? Failure)> FindAsync(PlatformDbContext db, Guid userId, string jobId, JobControlAction action,
        CancellationToken cancellationToken)
    {
        var (job, failure) = await JobService.FindForUserAsync(db, userId, jobId, ProjectPermission.StartJob, tracked: true, cancellationToken);
        if (failure is not null)
        {
            return (null, failure);
        }
        string verb = action.ToString().ToLowerInvariant();
        if (job!.CreatedBy != userId)
        {
            return (null, PlatformError.Forbidden<JobInfo>($"Only the creator of job {job.Id} may {verb} it."));
        }
        if (job.ModelFromJobId is not null || job.Datasets.Count == 0)
        {
            return (null, PlatformError.Conflict<JobInfo>($"Job {job.Id} is not a training job under consent; start a new job instead."));
        }
        if (JobStateMachine.ReopenRefusal(job.State, action) is { } refusal)
        {
            return (null, PlatformError.Conflict<JobInfo>($"Job {job.Id} cannot be {(action == JobControlAction.Revise ? "revised" : verb + "d")}: {refusal}"));
        }
        return (job, null);
    }

    // What a stopped job carried about its end, cleared: it is live again.
    private void Reopen(PlatformDbContext db, JobEntity job)
    {
        job.CancelRequested = false;
        job.FailureMessage = null;
        job.FinishedAt = null;
        job.UpdatedAt = PlatformTime.Now(_time);
        db.Touch(job);
    }

    // A run from the beginning: the shown progress, the history and the opened statistics are of the run that makes the
    // model, so the earlier attempts' go.
    private static async Task ClearProgressAsync(PlatformDbContext db, JobEntity job, CancellationToken cancellationToken)
    {
        db.JobProgressPoints.RemoveRange(await db.JobProgressPoints.Where(p => p.JobId == job.Id).ToListAsync(cancellationToken));
        db.JobEpochs.RemoveRange(await db.JobEpochs.Where(e => e.JobId == job.Id).ToListAsync(cancellationToken));
        (job.Epoch, job.Step, job.TotalSteps, job.MetricsJson) = (0, 0, 0, null);
        (job.LastCheckpointEpoch, job.ResumedFromEpoch, job.StartedAt) = (null, null, null);
        // A union's statistics are opened again by the run from the beginning (on shares, so not bit for bit the same).
        job.StandardizationStatisticsJson = null;
    }
}
