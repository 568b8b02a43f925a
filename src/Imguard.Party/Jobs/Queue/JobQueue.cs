using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Training;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Jobs.Queue;

/// <summary>
/// This party's jobs waiting to run, in order, and the one running: the job folders' <c>state.json</c> as the queue
/// changes it (queued on a start, cancelled while queued, running in an attempt, final), under one lock so that a start,
/// a cancel and the runner never write a state over each other. Jobs run one at a time; a job left unfinished by a stop
/// or crash is queued again at start-up (<see cref="RequeueUnfinished"/>).
/// </summary>
internal sealed class JobQueue(string root, JobReporter reporter, ILogger logger, TimeProvider time)
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly Lock _gate = new();
    private RunningJob? _current;

    /// <summary>The job's folder here (whether or not it exists).</summary>
    public JobFolder Folder(string jobId) => new(root, jobId);

    /// <summary>
    /// Queues a job (idempotent for the same description). A job this party has as failed or cancelled runs again when
    /// started with a later attempt than the one it holds (its creator resumed, restarted or revised it): from its
    /// checkpoints when the description is the one it ran (apart from the attempt), from newly dealt weights — its
    /// checkpoints, model and evaluation shares discarded first — when the description asks to start over or differs
    /// (another revision). An earlier revision than the one held is refused. Whatever the description, the job's consent
    /// is checked again when it is taken from the queue (<see cref="JobExecution"/>).
    /// </summary>
    public JobCommandResult Start(JobDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (description.Check() is { } problem)
        {
            return new(JobCommandStatus.Invalid, null, problem);
        }
        try
        {
            var spec = JobTraining.Spec(description);
            JobTraining.Options(description);
            JobTraining.Format(description);
            spec.InferShapes();
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or InvalidDataException)
        {
            return new(JobCommandStatus.Invalid, null, e.Message);
        }
        JobFolder folder = Folder(description.JobId);
        lock (_gate)
        {
            JobLocalState queued;
            if (folder.Exists)
            {
                JobLocalState state = folder.ReadState();
                JobDescription held = folder.ReadDescription();
                bool same = JobDescriptionDigest.Compute(held).AsSpan().SequenceEqual(JobDescriptionDigest.Compute(description));
                if (!state.IsFinal || state.State == JobState.Succeeded)
                {
                    return same
                        ? new(JobCommandStatus.Ok, Reply(description.JobId, state))
                        : new(JobCommandStatus.Conflict, Reply(description.JobId, state), "The job exists here with another description.");
                }
                if (description.Attempt <= held.Attempt && description.Attempt <= state.Attempt)
                {
                    return new(JobCommandStatus.Conflict, Reply(description.JobId, state),
                        $"The job is {state.State} here after attempt {state.Attempt}; restart it with a higher attempt.");
                }
                if (description.Revision < held.Revision)
                {
                    return new(JobCommandStatus.Conflict, Reply(description.JobId, state),
                        $"The job is at revision {held.Revision} here; a start of revision {description.Revision} is refused (an earlier revision never runs again).");
                }
                if (description.StartOver || !SameRun(held, description))
                {
                    folder.DiscardRun();
                    logger.LogInformation("Job {Job}: starts over (revision {Revision}); the earlier attempts' checkpoints and shares are discarded.",
                        description.JobId, description.Revision);
                }
                folder.WriteDescription(description);
                // Never an attempt number this party ran before: the dealer's answer may have gone past the platform's.
                queued = NewState(JobState.Queued, Math.Max(description.Attempt, state.Attempt + 1));
                folder.WriteState(queued);
            }
            else
            {
                queued = NewState(JobState.Queued, description.Attempt);
                folder.Create(description, queued);
            }
            _queue.Writer.TryWrite(description.JobId);
            logger.LogInformation("Job {Job} queued (attempt {Attempt}).", description.JobId, queued.Attempt);
            return new(JobCommandStatus.Ok, Reply(description.JobId, queued));
        }
    }

    // Whether a new start continues the run the held description made (the same job apart from the attempt and the
    // start-over flag): only then are its checkpoints the model this description trains.
    private static bool SameRun(JobDescription held, JobDescription next) =>
        JobDescriptionDigest.Compute(held with { StartOver = false }).AsSpan().SequenceEqual(JobDescriptionDigest.Compute(next with { StartOver = false }));

    /// <summary>Cancels a queued or running job: a running one stops at its next step or exchange.</summary>
    public JobCommandResult Cancel(string jobId)
    {
        if (!JobIds.IsValid(jobId))
        {
            return new(JobCommandStatus.NotFound, null, "No such job.");
        }
        RunningJob? running;
        JobFolder folder = Folder(jobId);
        lock (_gate)
        {
            running = _current is { } c && c.JobId == jobId ? c : null;
            if (running is null)
            {
                if (!folder.Exists)
                {
                    return new(JobCommandStatus.NotFound, null, "No such job here.");
                }
                JobLocalState state = folder.ReadState();
                if (state.IsFinal)
                {
                    return new(JobCommandStatus.Ok, Reply(jobId, state));
                }
                var cancelled = NewState(JobState.Cancelled, state.Attempt);
                folder.WriteState(cancelled);
                reporter.State(jobId, new JobStateReport(JobState.Cancelled));
                return new(JobCommandStatus.Ok, Reply(jobId, cancelled));
            }
            running.CancelRequested = true;
        }
        logger.LogInformation("Job {Job}: cancellation requested.", jobId);
        running.Cancellation.Cancel();
        return new(JobCommandStatus.Ok, new JobStartReply(jobId, JobState.Running, running.Attempt));
    }

    /// <summary>The job's state here, or null.</summary>
    public JobStartReply? Status(string jobId)
    {
        if (!JobIds.IsValid(jobId))
        {
            return null;
        }
        JobFolder folder = Folder(jobId);
        lock (_gate)
        {
            return folder.Exists ? Reply(jobId, folder.ReadState()) : null;
        }
    }

    /// <summary>Queues again, in the order of their ids, the jobs that were not finished when the party stopped.</summary>
    public void RequeueUnfinished()
    {
        foreach (string directory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            string jobId = Path.GetFileName(directory);
            if (JobIds.IsValid(jobId) && Folder(jobId) is { Exists: true } folder && !folder.ReadState().IsFinal)
            {
                logger.LogInformation("Job {Job} was not finished when the party stopped; it is queued again.", jobId);
                _queue.Writer.TryWrite(jobId);
            }
        }
    }

    /// <summary>The queued job ids, in order, as they come, until <paramref name="cancellationToken"/> is cancelled.</summary>
    public IAsyncEnumerable<string> ReadAllAsync(CancellationToken cancellationToken) => _queue.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Makes <paramref name="run"/> the running job and reads its description and state; false (nothing to run) when
    /// the folder cannot be read (logged) or the job is final (cancelled while queued).
    /// </summary>
    public bool TryBegin(JobFolder folder, RunningJob run, [NotNullWhen(true)] out JobDescription? description, [NotNullWhen(true)] out JobLocalState? state)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            try
            {
                description = folder.ReadDescription();
                state = folder.ReadState();
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                logger.LogError("Job {Job}: its folder cannot be read ({Reason}); skipped.", run.JobId, e.Message);
                description = null;
                state = null;
                return false;
            }
            if (state.IsFinal)
            {
                return false; // cancelled while queued
            }
            _current = run;
            return true;
        }
    }

    /// <summary>Records that the running job is in <paramref name="attempt"/>: a stop from here on resumes it with a later one.</summary>
    public void MarkRunning(JobFolder folder, int attempt)
    {
        ArgumentNullException.ThrowIfNull(folder);
        lock (_gate)
        {
            folder.WriteState(NewState(JobState.Running, attempt));
        }
    }

    /// <summary>Records the running job's final <paramref name="state"/>.</summary>
    public void Finish(JobFolder folder, RunningJob run, JobState state, string? message)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            folder.WriteState(NewState(state, run.Attempt, message));
        }
        logger.LogInformation("Job {Job}: {State} (attempt {Attempt}).", run.JobId, state, run.Attempt);
    }

    /// <summary>No job runs any more (a cancel from here on finds the job's folder).</summary>
    public void End()
    {
        lock (_gate)
        {
            _current = null;
        }
    }

    private JobLocalState NewState(JobState state, int attempt, string? message = null) => new(state, attempt, message, time.GetUtcNow());

    private static JobStartReply Reply(string jobId, JobLocalState state) => new(jobId, state.State, state.Attempt);
}
