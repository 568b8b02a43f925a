using Imguard.Contracts.Jobs;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Jobs.Agreement;

/// <summary>
/// How the two parties meet in one attempt at the dealer (docs/ARCHITECTURE.md, "Attempts and resume"): join an
/// attempt (<see cref="JoinAsync"/>), wait in it until the other party joins too (<see cref="WaitForPeerAsync"/>), and,
/// while an attempt both joined runs, watch that it stays the live one (<see cref="WatchAsync"/>). None of this spends
/// an attempt; a platform that cannot be reached is asked again with <see cref="JobRunnerOptions.Backoff"/> for up to
/// <see cref="JobRunnerOptions.WaitLimit"/>.
/// </summary>
/// <remarks>
/// These stay loops rather than <c>Retries</c> pipelines: they wait (long polls) more than they retry, their bound is
/// the operator's <see cref="JobRunnerOptions.WaitLimit"/> measured from the first try, checked between tries so that a
/// join in flight is never cut off (a cut-off join that reached the dealer opens a newer attempt), and their back-off
/// is <see cref="JobRunnerOptions.ResumeDelay"/> doubled, without jitter, as configured.
/// </remarks>
internal sealed class AttemptRendezvous(int partyId, DealerClient dealer, JobReporter reporter, JobRunnerOptions options, ILogger logger, TimeProvider time)
{
    /// <summary>
    /// Joins an attempt ≥ <paramref name="minAttempt"/> at the dealer. While the platform cannot be reached (down,
    /// restarting, busy) it asks again with back-off, up to <see cref="JobRunnerOptions.WaitLimit"/>: a try that never
    /// reached the dealer spends no attempt. A reply lost on its way makes the next try open a newer attempt (the dealer
    /// never lets a party join an attempt twice), which the other party then joins.
    /// </summary>
    public async Task<DealerAttemptReply> JoinAsync(string jobId, int minAttempt, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        for (int tries = 0; ; tries++)
        {
            try
            {
                return await dealer.JoinAsync(jobId, minAttempt, cancellationToken);
            }
            catch (Exception e) when (Unreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                if (time.GetElapsedTime(started) >= options.WaitLimit)
                {
                    throw new TimeoutException($"The platform's dealer could not be reached for {options.WaitLimitText()} ({FailureDescription.Of(e)}).");
                }
                if (tries == 0)
                {
                    logger.LogWarning("Job {Job}: the dealer cannot be reached ({Reason}); asking again.", jobId, FailureDescription.Of(e));
                }
                await Task.Delay(options.Backoff(tries), time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Waits in <paramref name="attempt"/> until the other party joins it at the dealer (true), or until the dealer
    /// replaces the attempt (false: join the live one; the other party restarted, or the platform did and lost it).
    /// Neither spends an attempt. Fails the job after <see cref="JobRunnerOptions.WaitLimit"/>. A resuming job says in
    /// its log that it waits (<paramref name="announce"/>); at a job's first start the other party is usually a moment behind.
    /// </summary>
    public async Task<bool> WaitForPeerAsync(string jobId, int attempt, bool announce, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        int other = 1 - partyId;
        logger.LogInformation("Job {Job}: waiting in attempt {Attempt} for party {Other} to join it.", jobId, attempt, other);
        if (announce)
        {
            reporter.Log(jobId, JobLogLevel.Information, $"attempt {attempt} waits for party {other} to join it.");
        }
        int failures = 0;
        while (true)
        {
            if (time.GetElapsedTime(started) >= options.WaitLimit)
            {
                throw new TimeoutException($"Party {other} did not join attempt {attempt} within {options.WaitLimitText()}.");
            }
            try
            {
                DealerAttemptStatus status = await dealer.StatusAsync(jobId, attempt, DealerWait.Peer, cancellationToken);
                if (status.PeerJoined)
                {
                    TimeSpan waited = time.GetElapsedTime(started);
                    logger.LogInformation("Job {Job}: party {Other} joined attempt {Attempt} after {Seconds:F0} s.", jobId, other, attempt, waited.TotalSeconds);
                    return true;
                }
                failures = 0;
            }
            catch (DealerRequestException e) when (e.AttemptGone)
            {
                logger.LogInformation("Job {Job}: attempt {Attempt} was replaced while this party waited ({Reason}); joining the live one.", jobId, attempt, e.Message);
                return false;
            }
            catch (Exception e) when (Unreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(options.Backoff(failures++), time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// While an attempt both parties joined runs, asks the dealer (a long poll) whether it is still the live one; if the
    /// dealer replaced it by a newer attempt (the other party restarted and is there now), records why and stops the
    /// attempt, so this party does not wait for a peer link the other party will never open. An unreachable platform or
    /// an ended job is not a reason to stop: the attempt's own dealer requests say whether it matters.
    /// </summary>
    public async Task WatchAsync(string jobId, int attempt, AttemptWatcher watcher, CancellationTokenSource attemptStop)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        ArgumentNullException.ThrowIfNull(attemptStop);
        CancellationToken token = attemptStop.Token;
        int failures = 0;
        try
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await dealer.StatusAsync(jobId, attempt, DealerWait.End, token);
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
                    await Task.Delay(options.Backoff(failures++), time, token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            // An answer this party cannot read: stop watching; the attempt goes on as it would without the watcher.
            logger.LogWarning("Job {Job}: stopped watching attempt {Attempt} at the dealer ({Reason}).", jobId, attempt, e.Message);
        }
    }

    /// <summary>A dealer request that got no answer from the dealer itself: the platform is down, restarting or busy.</summary>
    private static bool Unreachable(Exception e) => e switch
    {
        DealerRequestException d => d.Unavailable,
        HttpRequestException or IOException or TaskCanceledException => true,
        _ => false,
    };
}
