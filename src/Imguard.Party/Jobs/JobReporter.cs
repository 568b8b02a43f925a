using System.Net.Http.Json;
using System.Threading.Channels;
using Imguard.Contracts.Jobs;
using Imguard.ServiceDefaults.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace Imguard.Party.Jobs;

/// <summary>
/// Tells the platform about a job's state, progress and log lines (<c>POST /internal/jobs/{id}/state|progress|log</c>),
/// in order, in the background so a slow platform never stalls training. A report the platform refuses (4xx, e.g. a
/// transition the other party already made) is dropped with a log line; network errors, 408, 429 and 5xx are retried with
/// back-off and jitter (<see cref="Retries.JobReport"/>) for up to <see cref="RetryFor"/> (long enough to outlast a platform restart), then dropped. Progress reports
/// are coalesced: only the newest waiting one is sent. Log lines carry this party's time of the event, not the time
/// they reach the platform, which may be minutes later.
/// </summary>
public sealed class JobReporter(HttpClient http, ILogger logger, TimeProvider? time = null)
{
    /// <summary>How long one report is retried while the platform cannot be reached (<see cref="Retries.JobReport"/>).</summary>
    public static readonly TimeSpan RetryFor = Retries.JobReport.GiveUpAfter!.Value;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry = Retries.Http(Retries.JobReport, time: time);
    private readonly Channel<Report> _queue = Channel.CreateUnbounded<Report>(new UnboundedChannelOptions { SingleReader = true });
    private int _pending;

    public void State(string jobId, JobStateReport report) => Enqueue(new Report(jobId, "state", report, IsProgress: false));

    /// <summary>Progress; a newer report makes an unsent one moot, except one that carries the union's statistics (sent once).</summary>
    public void Progress(string jobId, JobProgressReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Enqueue(new Report(jobId, "progress", report, IsProgress: report.Standardization is null));
    }

    public void Log(string jobId, JobLogLevel level, string message) => Enqueue(new Report(jobId, "log", new JobLogReport(level, message, _time.GetUtcNow()), IsProgress: false));

    /// <summary>Waits until every report queued so far was delivered or dropped, or the timeout passes.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (Volatile.Read(ref _pending) > 0)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(20, cancellationToken);
        }
        return true;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_queue.Reader.TryRead(out Report? report))
                {
                    // A newer progress report of the same job waiting behind this one makes it moot.
                    if (report.IsProgress && _queue.Reader.TryPeek(out Report? next) && next.IsProgress && next.JobId == report.JobId)
                    {
                        Interlocked.Decrement(ref _pending);
                        continue;
                    }
                    await SendAsync(report, stoppingToken);
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Enqueue(Report report)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(report))
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    private async Task SendAsync(Report report, CancellationToken stoppingToken)
    {
        try
        {
            using HttpResponseMessage response = await _retry.ExecuteAsync(async token =>
            {
                using var content = JsonContent.Create(report.Body, report.Body.GetType());
                return await http.PostAsync($"internal/jobs/{Uri.EscapeDataString(report.JobId)}/{report.Kind}", content, token);
            }, stoppingToken);
            if (!response.IsSuccessStatusCode)
            {
                // A refusal (4xx, e.g. a transition the other party already made), or a transient failure on the last try.
                logger.LogInformation("The platform refused a {Kind} report for job {Job}: HTTP {Status}.", report.Kind, report.JobId, (int)response.StatusCode);
            }
        }
        catch (TimeoutRejectedException)
        {
            logger.LogWarning("A {Kind} report for job {Job} was dropped after {Minutes} min of tries.", report.Kind, report.JobId, RetryFor.TotalMinutes);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            logger.LogWarning("Platform unreachable: a {Kind} report for job {Job} was dropped ({Reason}).", report.Kind, report.JobId, e.Message);
        }
    }

    private sealed record Report(string JobId, string Kind, object Body, bool IsProgress);
}
