using System.Threading.Channels;
using Imguard.Contracts.Files;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Transport;
using Imguard.Party.Shares;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Jobs;

/// <summary>
/// Runs this party's side of training jobs, one at a time (others wait in order). A job: load the dataset half(s) from
/// the share store, report <c>preprocessing</c>, join an attempt at the dealer (fresh seeds), open the peer link for that
/// attempt, agree with the other party on the job description and on the checkpoint to start from, report
/// <c>running</c>, train (<see cref="SecureTraining"/>, progress to the platform), checkpoint this party's model share
/// after every epoch, evaluate on the test half if any, store the model share, report <c>succeeded</c>.
/// <para>
/// Attempts (<see cref="RunAttemptsAsync"/>): a party joins an attempt at the dealer (fresh seeds) and, if the other
/// party is not in it yet (down, restarting), waits in that same attempt at the dealer — for up to
/// <see cref="JobRunnerOptions.WaitLimit"/>, spending nothing — until it joins, or until the dealer replaces the attempt
/// (then it joins the live one). Only once both have joined does it open the peer link. An attempt both joined that is
/// interrupted (a lost peer link or dealer, the other party restarted, no link within
/// <see cref="JobRunnerOptions.PeerTimeout"/>) starts a new attempt, at most <see cref="JobRunnerOptions.MaxResumes"/>
/// times per run of the process, resuming from the newest checkpoint both parties hold. A job found <c>running</c> when
/// the party starts was interrupted by a stop or crash and is resumed the same way. Resume rule: a party asks the dealer
/// for an attempt ≥ (the last attempt it joined + 1); the dealer gives the first party to ask a new attempt and the
/// second the same one (<c>DealerSessions.Join</c>), so both run the same attempt with fresh seeds; over the new peer
/// link they pick the largest epoch count both have a checkpoint of (each keeps its newest two, and the parties are
/// never more than one epoch apart), or start over from newly dealt weights if none.
/// </para>
/// <para>
/// Cancellation (<see cref="Cancel"/>) stops at the next step or exchange and reports <c>cancelled</c>; any other
/// failure reports <c>failed</c> with a message that names ids, shapes and counts, never a value. Both parties report
/// state; party 0 alone reports progress.
/// </para>
/// </summary>
public sealed class JobRunner : BackgroundService
{
    private readonly int _partyId;
    private readonly string _root;
    private readonly ShareStore _store;
    private readonly DealerClient _dealer;
    private readonly JobReporter _reporter;
    private readonly PeerConnector _peers;
    private readonly JobRunnerOptions _options;
    private readonly ILogger<JobRunner> _logger;
    private readonly TimeProvider _time;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _reporterStop = new();
    private Task _reporting = Task.CompletedTask;
    private RunningJob? _current;

    public JobRunner(ServiceContext service, ShareStore store, HttpClient platform, JobRunnerOptions options, ILogger<JobRunner> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _partyId = ServiceRoles.PartyId(service.Role) ?? throw new ArgumentException("Jobs run on party-0 or party-1.", nameof(service));
        _root = Path.Combine(service.RoleDirectory, "jobs");
        OwnerOnly.CreateDirectory(_root);
        _store = store;
        _dealer = new DealerClient(platform);
        _time = time ?? TimeProvider.System;
        _reporter = new JobReporter(platform, logger, _time);
        _peers = new PeerConnector(service.Identity, service.Settings, logger);
        _options = options;
        _logger = logger;
    }

    public int PartyId => _partyId;

    /// <summary>The job's folder here (whether or not it exists).</summary>
    public JobFolder Folder(string jobId) => new(_root, jobId);

    /// <summary>Queues a job (idempotent for the same description). A failed or cancelled job restarts, from its checkpoints, when started again with a higher attempt.</summary>
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
            if (folder.Exists)
            {
                JobLocalState state = folder.ReadState();
                bool same = JobDescriptionDigest.Compute(folder.ReadDescription()).AsSpan().SequenceEqual(JobDescriptionDigest.Compute(description));
                if (!same)
                {
                    return new(JobCommandStatus.Conflict, Reply(description.JobId, state), "The job exists here with another description.");
                }
                if (!state.IsFinal || state.State == JobLocalState.Succeeded)
                {
                    return new(JobCommandStatus.Ok, Reply(description.JobId, state));
                }
                if (description.Attempt <= state.Attempt)
                {
                    return new(JobCommandStatus.Conflict, Reply(description.JobId, state),
                        $"The job is {state.State} here after attempt {state.Attempt}; restart it with a higher attempt.");
                }
                folder.WriteDescription(description);
            }
            else
            {
                folder.Create(description, NewState(JobLocalState.Queued, description.Attempt));
            }
            var queued = NewState(JobLocalState.Queued, description.Attempt);
            folder.WriteState(queued);
            _queue.Writer.TryWrite(description.JobId);
            _logger.LogInformation("Job {Job} queued (attempt {Attempt}).", description.JobId, description.Attempt);
            return new(JobCommandStatus.Ok, Reply(description.JobId, queued));
        }
    }

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
                var cancelled = NewState(JobLocalState.Cancelled, state.Attempt);
                folder.WriteState(cancelled);
                _reporter.State(jobId, new JobStateReport(JobStates.Cancelled));
                return new(JobCommandStatus.Ok, Reply(jobId, cancelled));
            }
            running.CancelRequested = true;
        }
        _logger.LogInformation("Job {Job}: cancellation requested.", jobId);
        running.Cancellation.Cancel();
        return new(JobCommandStatus.Ok, new JobStartReply(jobId, JobLocalState.Running, running.Attempt));
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _reporting = _reporter.RunAsync(_reporterStop.Token);
        _logger.LogInformation("Jobs: peer timeout {Peer} s, a party or platform that is away is waited for up to {Wait}, at most {Resumes} new attempts per job and run.",
            _options.PeerTimeout.TotalSeconds, Minutes(_options.WaitLimit), _options.MaxResumes);
        foreach (string directory in Directory.EnumerateDirectories(_root).Order(StringComparer.Ordinal))
        {
            string jobId = Path.GetFileName(directory);
            if (JobIds.IsValid(jobId) && Folder(jobId) is { Exists: true } folder && !folder.ReadState().IsFinal)
            {
                _logger.LogInformation("Job {Job} was not finished when the party stopped; it is queued again.", jobId);
                _queue.Writer.TryWrite(jobId);
            }
        }
        try
        {
            await foreach (string jobId in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await RunJobAsync(jobId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _reporter.FlushAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
        await _reporterStop.CancelAsync();
        await _reporting;
    }

    public override void Dispose()
    {
        _reporterStop.Dispose();
        base.Dispose();
    }

    private async Task RunJobAsync(string jobId, CancellationToken stoppingToken)
    {
        JobFolder folder = Folder(jobId);
        JobDescription description;
        JobLocalState state;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var run = new RunningJob(jobId, cancellation);
        lock (_gate)
        {
            try
            {
                description = folder.ReadDescription();
                state = folder.ReadState();
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                _logger.LogError("Job {Job}: its folder cannot be read ({Reason}); skipped.", jobId, e.Message);
                return;
            }
            if (state.IsFinal)
            {
                return; // cancelled while queued
            }
            _current = run;
        }
        bool resume = state.State == JobLocalState.Running || folder.CheckpointEpochs().Count > 0;
        // An interrupted attempt is never rejoined: its seeds were handed out, its randomness partly consumed.
        int minAttempt = state.State == JobLocalState.Running ? state.Attempt + 1 : state.Attempt;
        run.Attempt = minAttempt;
        try
        {
            _reporter.State(jobId, new JobStateReport(JobStates.Preprocessing, Resume: resume));
            var spec = JobTraining.Spec(description);
            var options = JobTraining.Options(description);
            var format = JobTraining.Format(description);
            SharedDataset train = (await _store.LoadAsync(description.TrainDatasetId, cancellation.Token)).Dataset;
            SharedDataset? test = description.TestDatasetId is null ? null : (await _store.LoadAsync(description.TestDatasetId, cancellation.Token)).Dataset;
            foreach (SharedDataset half in test is null ? [train] : (SharedDataset[])[train, test])
            {
                if (half.Format != format)
                {
                    throw new InvalidDataException($"The dataset half is encoded with {half.Format.FractionalBits} fractional bits; the job uses {format.FractionalBits}.");
                }
            }
            await RunAttemptsAsync(folder, description, spec, options, format, train, test, run, minAttempt, resume, cancellation.Token);
            Finish(folder, run, JobLocalState.Succeeded, null);
            _reporter.State(jobId, new JobStateReport(JobStates.Succeeded));
        }
        catch (Exception) when (run.CancelRequested)
        {
            Finish(folder, run, JobLocalState.Cancelled, null);
            _reporter.State(jobId, new JobStateReport(JobStates.Cancelled));
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested)
        {
            // The party is stopping: the job stays queued or running here and resumes when the party starts again.
            _logger.LogInformation("Job {Job} interrupted by the party's shutdown ({Reason}); it resumes at the next start.", jobId, e.GetType().Name);
        }
        catch (DealerRequestException e) when (e.JobIsOver)
        {
            Finish(folder, run, JobLocalState.Failed, "The platform has ended the job.");
            _reporter.State(jobId, new JobStateReport(JobStates.Failed, "The platform has ended the job."));
        }
        catch (Exception e)
        {
            string message = $"Party {_partyId}: {Describe(e)}";
            _logger.LogError("Job {Job} failed: {Reason}", jobId, message);
            Finish(folder, run, JobLocalState.Failed, message);
            _reporter.Log(jobId, JobLogLevels.Error, message);
            _reporter.State(jobId, new JobStateReport(JobStates.Failed, message));
        }
        finally
        {
            lock (_gate)
            {
                _current = null;
            }
        }
    }

    /// <summary>
    /// The attempt protocol (docs/ARCHITECTURE.md, "Attempts and resume"): join an attempt ≥ <paramref name="minAttempt"/>
    /// (asking again while the platform cannot be reached, which spends nothing); if the other party has not joined it,
    /// wait for it in this attempt at the dealer (up to <see cref="JobRunnerOptions.WaitLimit"/>; if the attempt is
    /// replaced meanwhile — the other party restarted and opened a newer one — join the live one, which spends nothing
    /// either); once both have joined, open the peer link and run. Only an attempt both parties joined can be
    /// interrupted, and each interruption costs one of <see cref="JobRunnerOptions.MaxResumes"/>. An attempt this party
    /// joined is never joined again: its seeds were handed out once.
    /// </summary>
    private async Task RunAttemptsAsync(JobFolder folder, JobDescription description, ModelSpec spec, TrainingOptions options, FixedPointFormat format,
        SharedDataset train, SharedDataset? test, RunningJob run, int minAttempt, bool resume, CancellationToken cancellationToken)
    {
        string jobId = description.JobId;
        int interruptions = 0;
        while (true)
        {
            DealerAttemptReply joined = await JoinAsync(jobId, minAttempt, cancellationToken);
            int attempt = joined.Attempt;
            minAttempt = attempt + 1;
            run.Attempt = attempt;
            var jobSeed = Seed.FromBytes(joined.JobSeed);
            var randomnessSeed = Seed.FromBytes(joined.RandomnessSeed);
            Array.Clear(joined.JobSeed);
            Array.Clear(joined.RandomnessSeed);
            lock (_gate)
            {
                folder.WriteState(NewState(JobLocalState.Running, attempt));
            }
            if (joined.TrainingCount != train.Count)
            {
                throw new InvalidDataException($"The dealer plans for {joined.TrainingCount} training images; this party's half of '{description.TrainDatasetId}' has {train.Count}.");
            }
            if (!joined.PeerJoined && !await WaitForPeerAsync(jobId, attempt, announce: resume || interruptions > 0, cancellationToken))
            {
                continue;
            }

            // Both parties are in this attempt. If the dealer replaces it while the peer link is being opened or used
            // (the other party restarted), stop at once rather than wait for a peer that is in another attempt.
            using var attemptStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watcher = new AttemptWatcher();
            Task watching = WatchAttemptAsync(jobId, attempt, watcher, attemptStop);
            try
            {
                await RunAttemptAsync(folder, description, spec, options, format, train, test, run, attempt, jobSeed, randomnessSeed,
                    resume || interruptions > 0, attemptStop.Token);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (watcher.Replaced is not null || IsTransient(e)))
            {
                string reason = watcher.Replaced ?? Describe(e);
                interruptions++;
                if (interruptions > _options.MaxResumes)
                {
                    throw new TimeoutException($"Attempt {attempt} was interrupted ({reason}); that is {interruptions} interruptions in this run of the party, "
                        + $"and it starts at most {_options.MaxResumes} new attempts.");
                }
                run.PrefetchOff |= e is DealerPrefetchException;
                _logger.LogWarning("Job {Job}: attempt {Attempt} interrupted ({Reason}); starting a new attempt ({Count} of {Max}).",
                    jobId, attempt, reason, interruptions, _options.MaxResumes);
                _reporter.Log(jobId, JobLogLevels.Warning, $"attempt {attempt} interrupted ({reason}); resuming with a new attempt ({interruptions} of {_options.MaxResumes}).");
                _reporter.State(jobId, new JobStateReport(JobStates.Preprocessing, Resume: true));
            }
            finally
            {
                await attemptStop.CancelAsync();
                await watching;
            }
            await Task.Delay(Backoff(interruptions - 1), _time, cancellationToken);
        }
    }

    /// <summary>
    /// Joins an attempt ≥ <paramref name="minAttempt"/> at the dealer. While the platform cannot be reached (down,
    /// restarting, busy) it asks again with back-off, up to <see cref="JobRunnerOptions.WaitLimit"/>: a try that never
    /// reached the dealer spends no attempt. A reply lost on its way makes the next try open a newer attempt (the dealer
    /// never lets a party join an attempt twice), which the other party then joins.
    /// </summary>
    private async Task<DealerAttemptReply> JoinAsync(string jobId, int minAttempt, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        for (int tries = 0; ; tries++)
        {
            try
            {
                return await _dealer.JoinAsync(jobId, minAttempt, cancellationToken);
            }
            catch (Exception e) when (Unreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                if (_time.GetElapsedTime(started) >= _options.WaitLimit)
                {
                    throw new TimeoutException($"The platform's dealer could not be reached for {Minutes(_options.WaitLimit)} ({Describe(e)}).");
                }
                if (tries == 0)
                {
                    _logger.LogWarning("Job {Job}: the dealer cannot be reached ({Reason}); asking again.", jobId, Describe(e));
                }
                await Task.Delay(Backoff(tries), _time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Waits in <paramref name="attempt"/> until the other party joins it at the dealer (true), or until the dealer
    /// replaces the attempt (false: join the live one; the other party restarted, or the platform did and lost it).
    /// Neither spends an attempt. Fails the job after <see cref="JobRunnerOptions.WaitLimit"/>. A resuming job says in
    /// its log that it waits (<paramref name="announce"/>); at a job's first start the other party is usually a moment behind.
    /// </summary>
    private async Task<bool> WaitForPeerAsync(string jobId, int attempt, bool announce, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        int other = 1 - _partyId;
        _logger.LogInformation("Job {Job}: waiting in attempt {Attempt} for party {Other} to join it.", jobId, attempt, other);
        if (announce)
        {
            _reporter.Log(jobId, JobLogLevels.Information, $"attempt {attempt} waits for party {other} to join it.");
        }
        int failures = 0;
        while (true)
        {
            if (_time.GetElapsedTime(started) >= _options.WaitLimit)
            {
                throw new TimeoutException($"Party {other} did not join attempt {attempt} within {Minutes(_options.WaitLimit)}.");
            }
            try
            {
                DealerAttemptStatus status = await _dealer.StatusAsync(jobId, attempt, DealerWait.Peer, cancellationToken);
                if (status.PeerJoined)
                {
                    TimeSpan waited = _time.GetElapsedTime(started);
                    _logger.LogInformation("Job {Job}: party {Other} joined attempt {Attempt} after {Seconds:F0} s.", jobId, other, attempt, waited.TotalSeconds);
                    return true;
                }
                failures = 0;
            }
            catch (DealerRequestException e) when (e.AttemptGone)
            {
                _logger.LogInformation("Job {Job}: attempt {Attempt} was replaced while this party waited ({Reason}); joining the live one.", jobId, attempt, e.Message);
                return false;
            }
            catch (Exception e) when (Unreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Backoff(failures++), _time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// While an attempt both parties joined runs, asks the dealer (a long poll) whether it is still the live one; if the
    /// dealer replaced it by a newer attempt (the other party restarted and is there now), records why and stops the
    /// attempt, so this party does not wait for a peer link the other party will never open. An unreachable platform or
    /// an ended job is not a reason to stop: the attempt's own dealer requests say whether it matters.
    /// </summary>
    private async Task WatchAttemptAsync(string jobId, int attempt, AttemptWatcher watcher, CancellationTokenSource attemptStop)
    {
        CancellationToken token = attemptStop.Token;
        int failures = 0;
        try
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await _dealer.StatusAsync(jobId, attempt, DealerWait.End, token);
                    failures = 0;
                }
                catch (DealerRequestException e) when (e.AttemptGone && e.LiveAttempt > attempt)
                {
                    watcher.Replaced = $"the other party moved to attempt {e.LiveAttempt}";
                    await attemptStop.CancelAsync();
                    return;
                }
                catch (DealerRequestException e) when (e.AttemptGone)
                {
                    // The job ended (the other party may have finished first) or the platform restarted: this party's
                    // own dealer requests, if it still makes any, find out; local work (saving the model) goes on.
                    return;
                }
                catch (DealerRequestException e) when (!e.Unavailable)
                {
                    return; // stopped out of step: the attempt's own requests get the refusal and end it
                }
                catch (Exception e) when (Unreachable(e) && !token.IsCancellationRequested)
                {
                    await Task.Delay(Backoff(failures++), _time, token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            // An answer this party cannot read: stop watching; the attempt goes on as it would without the watcher.
            _logger.LogWarning("Job {Job}: stopped watching attempt {Attempt} at the dealer ({Reason}).", jobId, attempt, e.Message);
        }
    }

    private TimeSpan Backoff(int tries) =>
        TimeSpan.FromMilliseconds(Math.Min(_options.ResumeDelay.TotalMilliseconds * Math.Pow(2, Math.Min(tries, 30)), _options.MaxResumeDelay.TotalMilliseconds));

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0} s";

    /// <summary>A dealer request that got no answer from the dealer itself: the platform is down, restarting or busy.</summary>
    private static bool Unreachable(Exception e) => e switch
    {
        DealerRequestException d => d.Unavailable,
        HttpRequestException or IOException or TaskCanceledException => true,
        _ => false,
    };

    private async Task RunAttemptAsync(JobFolder folder, JobDescription description, ModelSpec spec, TrainingOptions options, FixedPointFormat format,
        SharedDataset train, SharedDataset? test, RunningJob run, int attempt, Seed jobSeed, Seed randomnessSeed, bool resumed, CancellationToken cancellationToken)
    {
        string jobId = description.JobId;
        await using TlsPeerChannel channel = await _peers.ConnectAsync(_partyId, $"{jobId}/{attempt}", _options.PeerTimeout, cancellationToken);
        int resumeEpoch = await AgreeAsync(channel, description, folder, cancellationToken);
        if (description.ModelFromJobId is { } modelJob)
        {
            await InferAsync(description, modelJob, spec, format, test!, channel, randomnessSeed, jobSeed, train.Count, attempt, folder, cancellationToken);
            return;
        }
        ModelCheckpoint? checkpoint = resumeEpoch > 0 ? ModelCheckpoint.Load(folder.CheckpointPath(resumeEpoch)) : null;
        // A resumed run reports where it started again, so the platform keeps the progress it showed and says so.
        int? resumedFrom = resumed ? resumeEpoch : null;
        _reporter.State(jobId, new JobStateReport(JobStates.Running));
        _reporter.Log(jobId, JobLogLevels.Information, resumeEpoch > 0
            ? $"attempt {attempt} resumed from epoch {resumeEpoch}, the newest checkpoint both parties hold."
            : resumed ? $"attempt {attempt} starts again from newly dealt initial weights (no checkpoint both parties hold)."
            : $"attempt {attempt} starts from dealt initial weights.");

        await using var items = new RemoteDealerFeed(_dealer, jobId, attempt, _options.Prefetch && !run.PrefetchOff, cancellationToken);
        var randomness = new DealerRandomness(_partyId, randomnessSeed, items);
        var context = new PartyContext(_partyId, channel, randomness, format, description.ComparisonBits) { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism };
        var feed = new RemoteTrainingFeed(_dealer, jobId, attempt, _partyId, jobSeed, train.Count, cancellationToken)
        {
            TestCount = test?.Count ?? 0,
            K = options.Hiding.SlotCount,
            Mode = options.Hiding.Mode,
            Items = items,
            BatchSize = options.BatchSize,
        };
        var training = await SecureTraining.CreateAsync(context, spec, options, feed, checkpoint, cancellationToken);
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)stepsPerEpoch * options.Epochs;
        var progress = new ProgressPoster(this, jobId, totalSteps, resumedFrom);
        await training.TrainAsync(train, checkpointPath: null, progress, (epochs, _) =>
        {
            folder.SaveCheckpoint(training.Checkpoint());
            if (_partyId == 0)
            {
                _reporter.Progress(jobId, new JobProgressReport(epochs - 1, (long)epochs * stepsPerEpoch, totalSteps, progress.ImagesPerSecond, progress.Loss,
                    CheckpointEpoch: epochs, ResumedFromEpoch: resumedFrom, EpochSeconds: progress.EpochSeconds));
            }
            return Task.CompletedTask;
        }, cancellationToken);
        if (test is not null)
        {
            // With test-time encodings the training set supplies the partner images, as it does in training.
            EvaluationShares evaluation = options.TestEncodings > 0
                ? await training.EvaluateEncodedAsync(test, train, cancellationToken)
                : await training.EvaluateAsync(test, _options.EvaluationBatchSize, cancellationToken);
            EvaluationSharesFile.Save(evaluation, folder.EvaluationPath);
        }
        training.Checkpoint().Save(folder.ModelPath);
        _logger.LogInformation("Job {Job}: attempt {Attempt} done; {Items} dealer items ({Prefetched} prefetched, {Words} words), {Rounds} peer rounds.",
            jobId, attempt, items.ItemsReceived, items.ItemsPrefetched, items.WordsReceived, channel.Statistics.Snapshot().Rounds);
    }

    /// <summary>
    /// An inference job: this party's final model share of <paramref name="modelJob"/> applied to its half of the
    /// dataset by secure inference; the prediction shares are stored for the owner, nothing is opened. The images are
    /// classified clean: test-time encodings need the model job's training set as partners, which an inference job
    /// does not load.
    /// </summary>
    private async Task InferAsync(JobDescription description, string modelJob, ModelSpec spec, FixedPointFormat format, SharedDataset images,
        TlsPeerChannel channel, Seed randomnessSeed, Seed jobSeed, int count, int attempt, JobFolder folder, CancellationToken cancellationToken)
    {
        string modelPath = Folder(modelJob).ModelPath;
        if (!File.Exists(modelPath))
        {
            throw new InvalidDataException($"This party holds no trained model of job {modelJob}.");
        }
        ModelCheckpoint model = ModelCheckpoint.Load(modelPath);
        _reporter.State(description.JobId, new JobStateReport(JobStates.Running));
        _reporter.Log(description.JobId, JobLogLevels.Information, $"attempt {attempt} applies the model of {modelJob} to {images.Count} images.");
        await using var items = new RemoteDealerFeed(_dealer, description.JobId, attempt, prefetch: false, cancellationToken);
        var randomness = new DealerRandomness(_partyId, randomnessSeed, items);
        var context = new PartyContext(_partyId, channel, randomness, format, description.ComparisonBits) { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism };
        var feed = new RemoteTrainingFeed(_dealer, description.JobId, attempt, _partyId, jobSeed, count, cancellationToken);
        var inference = await SecureTraining.CreateAsync(context, spec, JobTraining.Options(description), feed, model, cancellationToken);
        EvaluationShares predictions = await inference.EvaluateAsync(images, _options.EvaluationBatchSize, cancellationToken);
        EvaluationSharesFile.Save(predictions, folder.EvaluationPath);
        _logger.LogInformation("Job {Job}: inference with the model of {Model} done; {Items} dealer items, {Rounds} peer rounds.",
            description.JobId, modelJob, items.ItemsReceived, channel.Statistics.Snapshot().Rounds);
    }

    /// <summary>
    /// One exchange over the fresh peer link: both parties' digest of the job description (must match) and the epoch
    /// counts of their two newest checkpoints; returns the largest epoch count both hold (0: none in common).
    /// </summary>
    private static async Task<int> AgreeAsync(IPeerChannel channel, JobDescription description, JobFolder folder, CancellationToken cancellationToken)
    {
        const ulong version = 1;
        byte[] digest = JobDescriptionDigest.Compute(description);
        IReadOnlyList<int> mine = folder.CheckpointEpochs();
        var send = new ulong[7];
        send[0] = version;
        for (int i = 0; i < 4; i++)
        {
            send[1 + i] = BitConverter.ToUInt64(digest, i * 8);
        }
        send[5] = mine.Count > 0 ? (ulong)mine[0] : 0;
        send[6] = mine.Count > 1 ? (ulong)mine[1] : 0;
        var receive = new ulong[7];
        await channel.ExchangeAsync(send, receive, cancellationToken);
        if (receive[0] != version)
        {
            throw new InvalidDataException($"The other party speaks job agreement version {receive[0]}; this party speaks {version}.");
        }
        if (!send.AsSpan(1, 4).SequenceEqual(receive.AsSpan(1, 4)))
        {
            throw new InvalidDataException("The two parties were given different job descriptions.");
        }
        var theirs = new[] { receive[5], receive[6] }.Where(e => e is > 0 and <= int.MaxValue).Select(e => (int)e).ToHashSet();
        return mine.Where(theirs.Contains).DefaultIfEmpty(0).Max();
    }

    private void Finish(JobFolder folder, RunningJob run, string state, string? message)
    {
        lock (_gate)
        {
            folder.WriteState(NewState(state, run.Attempt, message));
        }
        _logger.LogInformation("Job {Job}: {State} (attempt {Attempt}).", run.JobId, state, run.Attempt);
    }

    private JobLocalState NewState(string state, int attempt, string? message = null) => new(state, attempt, message, _time.GetUtcNow());

    private static JobStartReply Reply(string jobId, JobLocalState state) => new(jobId, state.State, state.Attempt);

    /// <summary>Failures a new attempt may get past: the peer or the platform went away, the dealer replaced the attempt or is busy.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        DealerRequestException d => d.IsTransient,
        PeerDisconnectedException or PeerProtocolException or TimeoutException or HttpRequestException => true,
        IOException => true,
        TaskCanceledException => true, // an HTTP timeout (the job's own cancellation is checked by the caller)
        _ => false,
    };

    /// <summary>A failure's description for the platform: our own messages (ids, shapes, counts, never values) or just the kind of error.</summary>
    private static string Describe(Exception e)
    {
        string text = e switch
        {
            HttpRequestException h => $"the platform could not be reached ({(h.StatusCode is { } s ? $"HTTP {(int)s}" : h.HttpRequestError.ToString())})",
            _ when e.GetType().Namespace?.StartsWith("Imguard", StringComparison.Ordinal) == true => e.Message,
            InvalidDataException or TimeoutException or ArgumentException or IOException or InvalidOperationException => e.Message,
            _ => $"internal error ({e.GetType().Name}); see the party's log",
        };
        return text.Length <= 1000 ? text : text[..1000];
    }

    /// <summary>Posts progress (party 0 only) at most every <see cref="JobRunnerOptions.ProgressInterval"/> and at each epoch's last step; synchronous, so it never lags a step.</summary>
    private sealed class ProgressPoster(JobRunner runner, string jobId, long totalSteps, int? resumedFrom) : IProgress<TrainingProgress>
    {
        private long _lastTicks = long.MinValue;

        public double ImagesPerSecond { get; private set; }

        public double? Loss { get; private set; }

        public double EpochSeconds { get; private set; }

        public void Report(TrainingProgress value)
        {
            ImagesPerSecond = value.ImagesPerSecond;
            Loss = value.Loss;
            EpochSeconds = value.EpochElapsed.TotalSeconds;
            if (runner._partyId != 0)
            {
                return;
            }
            long now = runner._time.GetTimestamp();
            bool due = _lastTicks == long.MinValue || runner._time.GetElapsedTime(_lastTicks, now) >= runner._options.ProgressInterval;
            if (due || value.Step == value.StepsPerEpoch)
            {
                _lastTicks = now;
                long step = (long)value.Epoch * value.StepsPerEpoch + value.Step;
                runner._reporter.Progress(jobId, new JobProgressReport(value.Epoch, step, totalSteps, value.ImagesPerSecond, value.Loss, ResumedFromEpoch: resumedFrom,
                    EpochSeconds: EpochSeconds));
            }
        }
    }

    private sealed class RunningJob(string jobId, CancellationTokenSource cancellation)
    {
        public string JobId => jobId;

        public CancellationTokenSource Cancellation => cancellation;

        public volatile bool CancelRequested;

        public volatile bool PrefetchOff;

        public int Attempt;
    }

    /// <summary>Why the dealer replaced a running attempt (set by <see cref="WatchAttemptAsync"/> before it stops the attempt).</summary>
    private sealed class AttemptWatcher
    {
        public volatile string? Replaced;
    }
}
