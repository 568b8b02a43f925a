using System.Net;
using System.Net.Http.Json;
using Imguard.Contracts.Jobs;
using Imguard.Dealer.Sessions;
using Imguard.Platform.Datasets;
using Imguard.Platform.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Platform.Jobs;

/// <summary>
/// Runs jobs at the parties: posts each queued job's description to both parties (they answer 202 and report
/// preprocessing, running and the end themselves), re-posts it after a platform restart (a repeated start is harmless
/// at a party), relays cancel requests to both parties, and ends the dealer's session when a job is over (when the
/// platform hosts the dealer; a dealer running as its own service ends it when the job view it asks for says the job is
/// over). A party that cannot be reached is retried on the next round; the job stays queued meanwhile. What was sent is
/// kept per attempt (<see cref="JobInfo.Attempt"/>): a job its creator resumes, restarts or revises is queued again with
/// the next attempt, claimed and posted again, and ended again at the dealer when that attempt is over.
/// </summary>
public sealed class JobDispatcher(
    JobService jobs, DatasetRegistry datasets, ServiceLinks links, JobNotifier notifier, TimeProvider time,
    ILogger<JobDispatcher> logger, DealerSessions? dealer = null) : BackgroundService
{
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(1);
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cancelSent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ended = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Runs a round now (a job was created or cancelled) instead of at the next tick.</summary>
    public void Wake() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset since = time.GetUtcNow() - TimeSpan.FromMinutes(10);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (JobInfo job in await jobs.ListForRunnerAsync(since, stoppingToken))
                {
                    await LookAfterAsync(job, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("Job dispatch round failed: {Reason}", e.Message);
            }
            try
            {
                await _wake.WaitAsync(Round, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task LookAfterAsync(JobInfo job, CancellationToken cancellationToken)
    {
        string attempt = $"{job.Id}/{job.Attempt}";
        if (JobStateMachine.IsFinal(job.State))
        {
            if (_ended.Add(attempt))
            {
                if (job.State == JobState.Cancelled && _started.Contains(attempt))
                {
                    await SendToBothAsync(job.Id, "cancel", null, cancellationToken); // cancelled while queued, after dispatch
                }
                dealer?.EndJob(job.Id);
            }
            return;
        }
        if (job.CancelRequested)
        {
            if (!_cancelSent.Contains(attempt) && await SendToBothAsync(job.Id, "cancel", null, cancellationToken))
            {
                _cancelSent.Add(attempt);
            }
            return;
        }
        if (_started.Contains(attempt))
        {
            return;
        }
        Outcome<DatasetInfo> train = await datasets.GetForPartyAsync(job.TrainDatasetId, cancellationToken);
        if (!train.IsOk)
        {
            await jobs.TransitionAsync(job.Id, JobState.Cancelled, cancellationToken: cancellationToken);
            return;
        }
        // Only a queued job goes to the parties (one waiting for approvals is not listed), and the claim makes a
        // withdrawal that comes after it a refusal: the parties are about to hold the signed description.
        if (job.State == JobState.Queued && !await jobs.ClaimForDispatchAsync(job.Id, job.Attempt, cancellationToken))
        {
            return;
        }
        JobDescription description = JobDescriptions.From(job, job.HasConsent ? job.Datasets![0].FractionalBits : train.Value.FractionalBits);
        if (await SendToBothAsync(job.Id, "start", description, cancellationToken))
        {
            _started.Add(attempt);
            logger.LogInformation("Job {Job} started at both parties (attempt {Attempt}).", job.Id, job.Attempt);
            notifier.Notify(job.Id);
        }
    }

    /// <summary>Posts to both parties' <c>/internal/jobs/{id}/{action}</c>; true when both accepted (or, for cancel, did not know the job).</summary>
    private async Task<bool> SendToBothAsync(string jobId, string action, JobDescription? body, CancellationToken cancellationToken)
    {
        bool all = true;
        for (int party = 0; party < 2; party++)
        {
            try
            {
                using HttpResponseMessage response = await links.Party(party).PostAsJsonAsync($"internal/jobs/{Uri.EscapeDataString(jobId)}/{action}", body, cancellationToken);
                bool ok = response.IsSuccessStatusCode || (action == "cancel" && response.StatusCode == HttpStatusCode.NotFound);
                if (!ok)
                {
                    logger.LogWarning("Party {Party} answered {Status} to {Action} of job {Job}.", party, (int)response.StatusCode, action, jobId);
                    if (action == "start" && response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict)
                    {
                        string reason = await response.Content.ReadAsStringAsync(cancellationToken);
                        await jobs.AppendLogAsync(jobId, JobLogLevel.Error, $"party {party} refused the job: {Truncate(reason)}", cancellationToken: cancellationToken);
                        await jobs.TransitionAsync(jobId, JobState.Failed, $"party {party} refused the job", cancellationToken: cancellationToken);
                    }
                }
                all &= ok;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Party {Party} unreachable for {Action} of job {Job}: {Reason}; retrying.", party, action, jobId, e.Message);
                all = false;
            }
        }
        return all;
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500];

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
