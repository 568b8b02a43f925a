using System.Net;
using System.Net.Http.Headers;
using Imguard.ServiceDefaults.Resilience;
using Imguard.Testing;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Imguard.ServiceDefaults.Tests.Resilience;

/// <summary>
/// The shared retry pipelines: what is tried again and what is not, how the waits grow, the bounds, cancellation. Time
/// is a <see cref="FakeTimeProvider"/> (<see cref="SteppedTime"/>) moved on by the test, so a ten-minute bound takes milliseconds.
/// </summary>
public sealed class RetriesTests
{
    private static readonly RetryPolicy Five = new("test", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), MaxAttempts: 5);

    [Fact]
    public async Task A_transient_status_is_tried_again_up_to_the_count_and_the_last_answer_is_returned()
    {
        var time = new SteppedTime();
        var delays = new List<TimeSpan>();
        int calls = 0;
        ResiliencePipeline<HttpResponseMessage> pipeline = Retries.Http(Retries.UploadChunk, Record<HttpResponseMessage>(delays), time);

        using HttpResponseMessage response = await Drive(time, pipeline.ExecuteAsync(_ =>
        {
            calls++;
            return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }).AsTask());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(Retries.UploadChunk.MaxAttempts, calls);
        Assert.Equal(Retries.UploadChunk.MaxAttempts - 1, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromTicks(1), Retries.UploadChunk.MaxDelay));
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task Every_transient_status_is_tried_again_until_it_passes(HttpStatusCode status)
    {
        var time = new SteppedTime();
        int calls = 0;
        ResiliencePipeline<HttpResponseMessage> pipeline = Retries.Http(Five, time: time);

        using HttpResponseMessage response = await Drive(time, pipeline.ExecuteAsync(_ =>
            ValueTask.FromResult(new HttpResponseMessage(++calls < 3 ? status : HttpStatusCode.OK))).AsTask());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.Gone)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task A_refusal_is_the_answer_and_is_never_repeated(HttpStatusCode status)
    {
        var time = new SteppedTime();
        int calls = 0;
        ResiliencePipeline<HttpResponseMessage> pipeline = Retries.Http(Five, time: time);

        using HttpResponseMessage response = await Drive(time, pipeline.ExecuteAsync(_ =>
        {
            calls++;
            return ValueTask.FromResult(new HttpResponseMessage(status));
        }).AsTask());

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task No_answer_and_HttpClients_own_timeout_are_tried_again()
    {
        var time = new SteppedTime();
        int calls = 0;
        ResiliencePipeline<HttpResponseMessage> pipeline = Retries.Http(Five, time: time);

        using HttpResponseMessage response = await Drive(time, pipeline.ExecuteAsync(_ => ++calls switch
        {
            1 => throw new HttpRequestException("Connection refused"),
            2 => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException()),
            3 => throw new IOException("The response ended prematurely."),
            _ => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK)),
        }).AsTask());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task Cancellation_stops_the_tries_during_a_wait()
    {
        var time = new SteppedTime();
        using var cancel = new CancellationTokenSource();
        int calls = 0;
        ResiliencePipeline<HttpResponseMessage> pipeline = Retries.Http(Retries.JobReport, time: time);

        Task<HttpResponseMessage> running = pipeline.ExecuteAsync(_ =>
        {
            calls++;
            return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }, cancel.Token).AsTask();
        Assert.False(running.IsCompleted); // waiting before its second try
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Cancellation_inside_a_try_is_not_tried_again()
    {
        using var cancel = new CancellationTokenSource();
        int calls = 0;
        ResiliencePipeline<HttpResponseMessage> pipeline = Retries.Http(Five, time: new SteppedTime());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.ExecuteAsync(async token =>
        {
            calls++;
            await cancel.CancelAsync();
            token.ThrowIfCancellationRequested();
            return new HttpResponseMessage(HttpStatusCode.OK);
        }, cancel.Token).AsTask());
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task The_waits_grow_exponentially_with_jitter()
    {
        // Polly's decorrelated jitter: each wait is random, and the mean wait doubles per retry from the second on
        // (measured over 3,000 runs of this policy: means 88, 116, 208, 412, 836, 1639, 3328 ms; every run's total
        // between 4.5 and 9.2 s). 200 runs put each mean's ratio to the one before well inside the bounds below.
        const int Runs = 200;
        var policy = new RetryPolicy("test", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), MaxAttempts: 8);
        var sequences = new List<List<TimeSpan>>();
        for (int run = 0; run < Runs; run++)
        {
            var time = new SteppedTime();
            var delays = new List<TimeSpan>();
            using HttpResponseMessage _ = await Drive(time, Retries.Http(policy, Record<HttpResponseMessage>(delays), time)
                .ExecuteAsync(_ => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))).AsTask(), step: TimeSpan.FromMilliseconds(500));
            Assert.Equal(policy.MaxRetries, delays.Count);
            Assert.InRange(delays.Sum(d => d.TotalMilliseconds), 3_000, 12_000);
            sequences.Add(delays);
        }
        double[] means = [.. Enumerable.Range(0, policy.MaxRetries).Select(k => sequences.Average(s => s[k].TotalMilliseconds))];
        Assert.InRange(means[0], 50, 130); // about the policy's first delay
        for (int k = 2; k < means.Length; k++)
        {
            Assert.InRange(means[k] / means[k - 1], 1.4, 2.8);
        }
        Assert.True(sequences.Select(s => s[0]).Distinct().Count() > Runs / 2, "the first waits should differ from run to run");
    }

    [Fact]
    public async Task The_waits_stop_growing_at_the_longest_wait_however_long_the_outage()
    {
        var time = new SteppedTime();
        var delays = new List<TimeSpan>();
        var policy = new RetryPolicy("long-outage", TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200), MaxAttempts: 1_200);

        using HttpResponseMessage _ = await Drive(time, Retries.Http(policy, Record<HttpResponseMessage>(delays), time)
            .ExecuteAsync(_ => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway))).AsTask(), step: policy.MaxDelay);

        Assert.Equal(policy.MaxRetries, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromTicks(1), policy.MaxDelay));
        Assert.All(delays.Skip(20), d => Assert.Equal(policy.MaxDelay, d)); // past 2^10 the median is far over the cap
    }

    [Fact]
    public async Task The_bound_on_time_ends_an_endless_retry()
    {
        var time = new SteppedTime();
        var tries = new List<TimeSpan>();
        ResiliencePipeline<HttpResponseMessage> pipeline = Retries.Http(Retries.JobReport, time: time);
        DateTimeOffset started = time.GetUtcNow();

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => Drive(time, pipeline.ExecuteAsync(_ =>
        {
            tries.Add(time.GetUtcNow() - started);
            return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }).AsTask(), step: TimeSpan.FromSeconds(1), waiting: 2));

        // 10 minutes of waits of at most 5 s: well over a hundred tries, the last within the bound's last wait.
        Assert.InRange(tries.Count, 100, 10 * 60 * 5);
        Assert.InRange(tries[^1], Retries.JobReport.GiveUpAfter!.Value - Retries.JobReport.MaxDelay - TimeSpan.FromSeconds(1), Retries.JobReport.GiveUpAfter.Value);
    }

    [Fact]
    public async Task Retry_After_sets_the_wait_up_to_a_minute()
    {
        var time = new SteppedTime();
        var delays = new List<TimeSpan>();
        int calls = 0;
        ResiliencePipeline<HttpResponseMessage> pipeline = Retries.Http(Five, Record<HttpResponseMessage>(delays), time);

        using HttpResponseMessage response = await Drive(time, pipeline.ExecuteAsync(_ =>
        {
            var answer = new HttpResponseMessage(++calls switch { 1 or 2 => HttpStatusCode.TooManyRequests, _ => HttpStatusCode.OK });
            answer.Headers.RetryAfter = new RetryConditionHeaderValue(calls == 1 ? TimeSpan.FromSeconds(7) : TimeSpan.FromDays(365));
            return ValueTask.FromResult(answer);
        }).AsTask(), step: TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([TimeSpan.FromSeconds(7), Retries.MaxRetryAfter], delays);
    }

    [Fact]
    public async Task A_pipeline_for_other_calls_retries_only_what_its_predicate_accepts()
    {
        var time = new SteppedTime();
        int calls = 0;
        ResiliencePipeline<int> pipeline = Retries.For<int>(Five, outcome => outcome.Exception is TimeoutException || outcome.Result < 0, time: time);

        int answer = await Drive(time, pipeline.ExecuteAsync(_ => ++calls switch
        {
            1 => throw new TimeoutException(),
            2 => ValueTask.FromResult(-1),
            _ => ValueTask.FromResult(42),
        }).AsTask());
        Assert.Equal(42, answer);
        Assert.Equal(3, calls);

        calls = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => Drive(time, pipeline.ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new InvalidOperationException();
        }).AsTask()));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task An_exception_pipeline_gives_up_after_the_count_with_the_last_exception()
    {
        var time = new SteppedTime();
        int calls = 0;
        ResiliencePipeline pipeline = Retries.For(Retries.ConcurrencyConflict, e => e is TimeoutException, time);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Drive(time, pipeline.ExecuteAsync<string>(_ =>
        {
            calls++;
            throw new TimeoutException($"try {calls}");
        }).AsTask()));

        Assert.Equal(Retries.ConcurrencyConflict.MaxAttempts, calls);
        Assert.Equal($"try {calls}", error.Message);
    }

    private static Func<OnRetryArguments<T>, ValueTask> Record<T>(List<TimeSpan> delays) => args =>
    {
        delays.Add(args.RetryDelay);
        return ValueTask.CompletedTask;
    };

    // A pipeline waits on one timer (its back-off), or two with a bound on time; the clock moves only then.
    private static Task<T> Drive<T>(SteppedTime time, Task<T> running, TimeSpan? step = null, int waiting = 1) =>
        time.RunAsync(running, step ?? TimeSpan.FromMilliseconds(50), waiting);
}
