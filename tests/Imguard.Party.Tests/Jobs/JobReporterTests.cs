using System.Net;
using Imguard.Contracts.Jobs;
using Imguard.Party.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Imguard.Testing;

namespace Imguard.Party.Tests.Jobs;

/// <summary>
/// The party's reports to the platform under the shared retry (Retries.JobReport): a platform that is down or
/// restarting (5xx, no answer) gets the report later, in order; a refusal is dropped at once; after
/// <see cref="JobReporter.RetryFor"/> a report is dropped and the next one goes out.
/// </summary>
public sealed class JobReporterTests
{
    [Fact]
    public async Task A_report_the_platform_cannot_take_yet_is_sent_again_and_the_order_is_kept()
    {
        var time = new SteppedTime();
        var platform = new ScriptedPlatform((path, count) => !path.EndsWith("/state", StringComparison.Ordinal) ? HttpStatusCode.OK : count switch
        {
            1 => throw new HttpRequestException("Connection refused"),
            2 => HttpStatusCode.ServiceUnavailable,
            _ => HttpStatusCode.OK,
        });
        var reporter = new JobReporter(platform.Client, NullLogger.Instance, time);
        using var stop = new CancellationTokenSource();
        Task running = reporter.RunAsync(stop.Token);

        reporter.State("job-1", new JobStateReport(JobState.Running, null));
        reporter.Log("job-1", JobLogLevel.Information, "after the state");
        await AdvanceUntil(time, () => platform.Paths.Count >= 4);

        Assert.Equal(["internal/jobs/job-1/state", "internal/jobs/job-1/state", "internal/jobs/job-1/state", "internal/jobs/job-1/log"], platform.Paths);
        await stop.CancelAsync();
        await running;
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task A_refused_report_is_dropped_at_once(HttpStatusCode refusal)
    {
        var time = new SteppedTime();
        var platform = new ScriptedPlatform((path, _) => path.EndsWith("/state", StringComparison.Ordinal) ? refusal : HttpStatusCode.OK);
        var reporter = new JobReporter(platform.Client, NullLogger.Instance, time);
        using var stop = new CancellationTokenSource();
        Task running = reporter.RunAsync(stop.Token);

        reporter.State("job-1", new JobStateReport(JobState.Succeeded, null));
        reporter.Log("job-1", JobLogLevel.Information, "next");

        Assert.True(await reporter.FlushAsync(TimeSpan.FromSeconds(30)), "a refusal must not be retried (the clock does not move here)");
        Assert.Equal(["internal/jobs/job-1/state", "internal/jobs/job-1/log"], platform.Paths);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_report_is_dropped_after_the_retry_bound_and_the_next_one_goes_out()
    {
        var time = new SteppedTime();
        var platform = new ScriptedPlatform((path, _) => path.EndsWith("/state", StringComparison.Ordinal) ? HttpStatusCode.BadGateway : HttpStatusCode.OK);
        var reporter = new JobReporter(platform.Client, NullLogger.Instance, time);
        using var stop = new CancellationTokenSource();
        Task running = reporter.RunAsync(stop.Token);
        DateTimeOffset started = time.GetUtcNow();

        reporter.State("job-1", new JobStateReport(JobState.Running, null));
        reporter.Log("job-1", JobLogLevel.Information, "next");
        await AdvanceUntil(time, () => platform.Paths.Contains("internal/jobs/job-1/log"), step: TimeSpan.FromSeconds(5));

        Assert.InRange(time.GetUtcNow() - started, JobReporter.RetryFor, JobReporter.RetryFor + TimeSpan.FromMinutes(1));
        Assert.True(platform.Paths.Count(p => p.EndsWith("/state", StringComparison.Ordinal)) > 10, $"the state report should have been tried many times: {platform.Paths.Count} {time.Pending} {time.GetUtcNow() - started}");
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_progress_report_with_the_unions_statistics_is_sent_even_when_newer_progress_is_waiting_behind_it()
    {
        var platform = new ScriptedPlatform((_, _) => HttpStatusCode.OK);
        var reporter = new JobReporter(platform.Client, NullLogger.Instance, new SteppedTime());
        // Queued before the reporter runs: the first step's report and the second's wait behind the statistics.
        reporter.Progress("job-1", new JobProgressReport(0, 0, 8, Standardization: new ChannelStatistics([0.25], [0.5], 64)));
        reporter.Progress("job-1", new JobProgressReport(0, 1, 8));
        reporter.Progress("job-1", new JobProgressReport(0, 2, 8));
        using var stop = new CancellationTokenSource();
        Task running = reporter.RunAsync(stop.Token);

        Assert.True(await reporter.FlushAsync(TimeSpan.FromSeconds(30)));
        // The statistics went out; the first step's report was made moot by the second's.
        Assert.Equal(["internal/jobs/job-1/progress", "internal/jobs/job-1/progress"], platform.Paths);
        Assert.Contains("\"standardization\":{\"mean\":[0.25]", platform.Bodies[0], StringComparison.Ordinal);
        Assert.Contains("\"step\":2", platform.Bodies[1], StringComparison.Ordinal);
        await stop.CancelAsync();
        await running;
    }

    // A report being retried waits on two timers (the bound on time and the back-off); the clock moves only then.
    private static async Task AdvanceUntil(SteppedTime time, Func<bool> done, TimeSpan? step = null) =>
        Assert.True(await time.RunUntilAsync(done, step ?? TimeSpan.FromMilliseconds(500), waiting: 2), "the reporter did not get there");

    /// <summary>Answers each request by a script over its path; records the paths in order.</summary>
    private sealed class ScriptedPlatform : HttpMessageHandler
    {
        private readonly Func<string, int, HttpStatusCode> _answer;
        private readonly Dictionary<string, int> _counts = [];

        /// <param name="answer">The status for a path and how many times it was asked for (this request included).</param>
        public ScriptedPlatform(Func<string, int, HttpStatusCode> answer)
        {
            _answer = answer;
            Client = new HttpClient(this) { BaseAddress = new Uri("https://platform.test/") };
        }

        public HttpClient Client { get; }

        public List<string> Paths { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            string path = request.RequestUri!.AbsolutePath.TrimStart('/');
            int count;
            lock (Paths)
            {
                Paths.Add(path);
                Bodies.Add(body);
                count = _counts[path] = _counts.GetValueOrDefault(path) + 1;
            }
            return new HttpResponseMessage(_answer(path, count));
        }
    }
}
