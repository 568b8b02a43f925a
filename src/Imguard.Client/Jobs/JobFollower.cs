using System.Net;
using Imguard.Client.Platform;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.ServiceDefaults.Resilience;
using Polly;
using Polly.Timeout;

namespace Imguard.Client.Jobs;

/// <summary>
/// Follows a job until it ends, through platform restarts: a poll that fails because the platform cannot be reached (or
/// answers 502/503/504 while it starts) is retried with exponential back-off and jitter, 1 s doubling to at most 30 s,
/// for up to <see cref="MaxOutage"/>; one line says the platform is unreachable and one that it is back.
/// </summary>
/// <remarks>
/// The back-off is the shared <see cref="Retries.FollowJob"/> pipeline (Polly), applied to the follow loop's reads and not as a handler on
/// <see cref="PlatformApi"/>'s HttpClient: that client also sends requests that must not be repeated blindly (creating
/// a job or a token, registering a dataset), and "say once that it is down, once that it is back, give up after an
/// outage this long" belongs to the loop, not to a single request.
/// </remarks>
public sealed class JobFollower(PlatformApi platform, TextWriter output)
{
    /// <summary>How often the job is polled while the platform answers.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The first retry's delay; each one after doubles it (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = Retries.FollowJob.FirstDelay;

    /// <summary>The longest wait between two tries while the platform is unreachable.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = Retries.FollowJob.MaxDelay;

    /// <summary>How long the platform may stay unreachable before following gives up (the job itself goes on).</summary>
    public TimeSpan MaxOutage { get; init; } = Retries.FollowJob.GiveUpAfter!.Value;

    /// <summary>
    /// The line to write while the job waits for approvals, made from its consent terms (null: nothing to say); when
    /// unset, the follower does not read the terms. The caller makes it so it can escape the platform's text for its output.
    /// </summary>
    public Func<ConsentTermsView, string?>? WaitingFor { get; init; }

    /// <summary>Whether a job in this state has ended (a declined job never runs).</summary>
    public static bool IsFinal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled or JobState.Declined;

    /// <summary>
    /// Polls <paramref name="jobId"/> until it is Succeeded, Failed, Cancelled or Declined and returns it; <paramref name="changed"/>
    /// sees every poll's summary. While the job is AwaitingApproval and <see cref="WaitingFor"/> is set, the line it makes of
    /// the job's consent terms (who has not signed yet) is written, again only when it changes. Throws <see cref="TimeoutException"/> when the platform stays unreachable for
    /// <see cref="MaxOutage"/>, and what <see cref="PlatformApi"/> throws for any other failure.
    /// </summary>
    public async Task<JobView> FollowAsync(string jobId, Action<JobView> changed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changed);
        bool unreachable = false;
        string waitingFor = "";
        RetryPolicy policy = Retries.FollowJob with { FirstDelay = FirstRetryDelay, MaxDelay = MaxRetryDelay, GiveUpAfter = MaxOutage };
        ResiliencePipeline<JobView> pipeline = Retries.For<JobView>(policy, outcome => outcome.Exception switch
            {
                HttpRequestException e => IsTransient(e),
                PlatformApiException e => e.Status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
                IOException => true,
                // HttpClient's own timeout (the platform accepted the connection and never answered), not Ctrl-C.
                TaskCanceledException e => e.InnerException is TimeoutException,
                _ => false,
            },
            args =>
            {
                if (!unreachable)
                {
                    unreachable = true;
                    output.WriteLine($"platform unreachable ({Reason(args.Outcome.Exception)}); still following {jobId}, retrying with back-off " +
                        $"for up to {MaxOutage.TotalMinutes:0} minutes");
                }
                return ValueTask.CompletedTask;
            });

        while (true)
        {
            JobView job;
            try
            {
                job = await pipeline.ExecuteAsync(async ct => await platform.GetJobAsync(jobId, ct), cancellationToken);
            }
            catch (TimeoutRejectedException e)
            {
                throw new TimeoutException($"The platform was unreachable for {MaxOutage.TotalMinutes:0} minutes; stopped following {jobId} " +
                    $"(the job goes on: `imguard job status {jobId} --follow` picks it up again).", e);
            }
            if (unreachable)
            {
                unreachable = false;
                output.WriteLine($"platform reachable again; following {jobId}");
            }
            changed(job);
            if (IsFinal(job.State))
            {
                return job;
            }
            if (job.State == JobState.AwaitingApproval && WaitingFor is { } describe
                && await ConsentAsync(jobId, cancellationToken) is { } consent && describe(consent) is { } line && line != waitingFor)
            {
                output.WriteLine(line);
                waitingFor = line;
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    // The job's terms for the waiting line (display only: what is signed is checked where it is signed). Null when the
    // platform does not answer now; the next poll asks again.
    private async Task<ConsentTermsView?> ConsentAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await platform.GetConsentAsync(jobId, cancellationToken);
        }
        catch (Exception e) when (e is PlatformApiException or HttpRequestException or IOException or TaskCanceledException { InnerException: TimeoutException })
        {
            return null;
        }
    }

    // Refused, reset or unresolvable connections and TLS failures while the platform restarts; not an HTTP error status.
    private static bool IsTransient(HttpRequestException e) => e.StatusCode is null;

    private static string Reason(Exception? e)
    {
        string message = e is null ? "no answer"
            : e.InnerException is { } inner && e.Message.EndsWith("see inner exception.", StringComparison.Ordinal) ? inner.Message
            : e.Message;
        return message.TrimEnd('.');
    }
}
