using Imguard.Contracts.Jobs;
using Imguard.Mpc.Randomness;
using Imguard.Party.Jobs.Agreement;
using Imguard.Party.Jobs.Queue;
using Imguard.Party.Jobs.Resume;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>
/// The attempt protocol (docs/ARCHITECTURE.md, "Attempts and resume"): join an attempt ≥ the least one the job may
/// use (asking again while the platform cannot be reached, which spends nothing); if the other party has not joined
/// it, wait for it in this attempt at the dealer (up to <see cref="JobRunnerOptions.WaitLimit"/>; if the attempt is
/// replaced meanwhile — the other party restarted and opened a newer one — join the live one, which spends nothing
/// either); once both have joined, run the <see cref="JobAttempt"/> while the dealer is watched for a replacement.
/// Only an attempt both parties joined can be interrupted (<see cref="ResumePolicy.IsInterruption"/>), and each
/// interruption costs one of <see cref="JobRunnerOptions.MaxResumes"/>. An attempt this party joined is never joined
/// again: its seeds were handed out once.
/// </summary>
internal sealed class AttemptLoop(AttemptRendezvous rendezvous, JobAttempt attempts, JobQueue queue, JobReporter reporter, JobRunnerOptions options,
    ILogger logger, TimeProvider time)
{
    /// <summary>Runs attempts from <paramref name="minAttempt"/> on until one completes; throws when one fails for good or the resumes run out.</summary>
    /// <param name="resume">The job ran before this run of the party (a stop, a crash, a restart after failing): every attempt resumes.</param>
    public async Task RunAsync(JobFolder folder, JobInputs job, RunningJob run, int minAttempt, bool resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(run);
        string jobId = job.JobId;
        int interruptions = 0;
        while (true)
        {
            DealerAttemptReply joined = await rendezvous.JoinAsync(jobId, minAttempt, cancellationToken);
            int attempt = joined.Attempt;
            minAttempt = attempt + 1;
            run.Attempt = attempt;
            var jobSeed = Seed.FromBytes(joined.JobSeed);
            var randomnessSeed = Seed.FromBytes(joined.RandomnessSeed);
            Array.Clear(joined.JobSeed);
            Array.Clear(joined.RandomnessSeed);
            queue.MarkRunning(folder, attempt);
            if (joined.TrainingCount != job.Train.Count)
            {
                throw new InvalidDataException($"The dealer plans for {joined.TrainingCount} training images; this party's halves of the job's "
                    + $"{job.Description.TrainDatasetIds.Count} training datasets hold {job.Train.Count}.");
            }
            if (!joined.PeerJoined && !await rendezvous.WaitForPeerAsync(jobId, attempt, announce: resume || interruptions > 0, cancellationToken))
            {
                continue;
            }

            // Both parties are in this attempt. If the dealer replaces it while the peer link is being opened or used
            // (the other party restarted), stop at once rather than wait for a peer that is in another attempt.
            using var attemptStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watcher = new AttemptWatcher();
            Task watching = rendezvous.WatchAsync(jobId, attempt, watcher, attemptStop);
            try
            {
                await attempts.RunAsync(folder, job, run, new JoinedAttempt(attempt, jobSeed, randomnessSeed), resume || interruptions > 0, attemptStop.Token);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (watcher.Replaced is not null || ResumePolicy.IsInterruption(e)))
            {
                string reason = watcher.Replaced ?? FailureDescription.Of(e);
                interruptions++;
                if (!ResumePolicy.MayResume(interruptions, options.MaxResumes))
                {
                    throw new TimeoutException($"Attempt {attempt} was interrupted ({reason}); that is {interruptions} interruptions in this run of the party, "
                        + $"and it starts at most {options.MaxResumes} new attempts.");
                }
                run.PrefetchOff |= e is DealerPrefetchException;
                logger.LogWarning("Job {Job}: attempt {Attempt} interrupted ({Reason}); starting a new attempt ({Count} of {Max}).",
                    jobId, attempt, reason, interruptions, options.MaxResumes);
                reporter.Log(jobId, JobLogLevel.Warning, $"attempt {attempt} interrupted ({reason}); resuming with a new attempt ({interruptions} of {options.MaxResumes}).");
                reporter.State(jobId, new JobStateReport(JobState.Preprocessing, Resume: true));
            }
            finally
            {
                await attemptStop.CancelAsync();
                await watching;
            }
            await Task.Delay(options.Backoff(interruptions - 1), time, cancellationToken);
        }
    }
}
