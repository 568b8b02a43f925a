using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using Imguard.Contracts.Jobs;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Jobs;

/// <summary>
/// Tells the platform about a job's state, progress and log lines (<c>POST /internal/jobs/{id}/state|progress|log</c>),
/// in order, in the background so a slow platform never stalls training. A report the platform refuses (4xx, e.g. a
/// transition the other party already made) is dropped with a log line; network errors and 5xx are retried with
/// back-off for up to <see cref="RetryFor"/> (long enough to outlast a platform restart), then dropped. Progress reports
/// are coalesced: only the newest waiting one is sent. Log lines carry this party's time of the event, not the time
/// they reach the platform, which may be minutes later.
/// </summary>
public sealed class JobReporter(HttpClient http, ILogger logger, TimeProvider? time = null)
{
    /// <summary>How long one report is retried while the platform cannot be reached.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Channel<Report> _queue = Channel.CreateUnbounded<Report>(new UnboundedChannelOptions { SingleReader = true });
    private int _pending;

    public void State(string jobId, JobStateReport report) => Enqueue(new Report(jobId, "state", report, IsProgress: false));

    public void Progress(string jobId, JobProgressReport report) => Enqueue(new Report(jobId, "progress", report, IsProgress: true));

    public void Log(string jobId, string level, string message) => Enqueue(new Report(jobId, "log", new JobLogReport(level, message, _time.GetUtcNow()), IsProgress: false));

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
        TimeSpan backOff = TimeSpan.FromMilliseconds(200);
        long started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                using var content = JsonContent.Create(report.Body, report.Body.GetType());
                using HttpResponseMessage response = await http.PostAsync($"internal/jobs/{Uri.EscapeDataString(report.JobId)}/{report.Kind}", content, stoppingToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    logger.LogInformation("The platform refused a {Kind} report for job {Job}: HTTP {Status}.", report.Kind, report.JobId, (int)response.StatusCode);
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !stoppingToken.IsCancellationRequested))
            {
                if (_time.GetElapsedTime(started) >= RetryFor)
                {
                    logger.LogWarning("Platform unreachable: a {Kind} report for job {Job} was dropped ({Reason}).", report.Kind, report.JobId, e.Message);
                    return;
                }
            }
            if (_time.GetElapsedTime(started) >= RetryFor)
            {
                logger.LogWarning("A {Kind} report for job {Job} was dropped after {Minutes} min of tries.", report.Kind, report.JobId, RetryFor.TotalMinutes);
                return;
            }
            await Task.Delay(backOff, _time, stoppingToken);
            backOff = TimeSpan.FromMilliseconds(Math.Min(backOff.TotalMilliseconds * 2, 5000));
        }
    }

    private sealed record Report(string JobId, string Kind, object Body, bool IsProgress);
}
