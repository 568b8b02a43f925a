using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Imguard.ServiceDefaults.Resilience;

/// <summary>
/// Every retry in IMGuard, named, and the one way to build it: a Polly resilience pipeline with exponential back-off and
/// jitter (Polly's decorrelated jitter, so two processes that failed together do not retry in lockstep), a count of
/// tries and an optional bound on the time they take. HTTP calls use Microsoft.Extensions.Http.Resilience's retry
/// options and its rule for what is transient (<see cref="IsTransient(Outcome{HttpResponseMessage}, CancellationToken)"/>):
/// no answer, HttpClient's own timeout, 408, 429 and 5xx (after the <c>Retry-After</c> they carry, up to
/// <see cref="MaxRetryAfter"/>) are tried again; any other
/// status, a 4xx refusal above all, is the answer and is never repeated. The caller's cancellation stops a pipeline at
/// once, in a try or in a wait.
/// </summary>
/// <remarks>
/// The pipelines wrap a call site, not an <see cref="HttpClient"/>: the services' clients also send requests that must
/// not be repeated blindly (a dealer's item request hands out correlated randomness once; a job or a token is created
/// once), and what a caller says and does when it gives up (drop a report, hold audit events, fail an upload) belongs
/// to the caller. Polls and waits that are not retries stay loops: a job followed until it ends, a dataset until it is
/// ready, a service until its health check answers, a queue until it is flushed.
/// </remarks>
public static class Retries
{
    /// <summary>One chunk (or the completion) of a share upload to a party: five tries over about 3 s, then the upload stops and can be resumed.</summary>
    public static readonly RetryPolicy UploadChunk = new("upload-chunk", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), MaxAttempts: 5);

    /// <summary>A party's state, progress or log report to the platform: for up to 10 minutes, to outlast a platform restart, then dropped.</summary>
    public static readonly RetryPolicy JobReport = new("job-report", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), GiveUpAfter: TimeSpan.FromMinutes(10));

    /// <summary>A party's report of a stored dataset half: until the platform takes it (the half is on disk; it is reported again at start-up).</summary>
    public static readonly RetryPolicy HalfReport = new("half-report", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>A batch of audit events: until the audit server accepts it (events are held, in the outbox when there is one).</summary>
    public static readonly RetryPolicy AuditDelivery = new("audit-delivery", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

    /// <summary>Party 1 dialling party 0's peer port: until the caller's deadline (the job's peer timeout).</summary>
    public static readonly RetryPolicy PeerDial = new("peer-dial", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

    /// <summary>Party 0 binding its peer port while the last attempt's listener lets go of it: until the caller's deadline.</summary>
    public static readonly RetryPolicy PeerBind = new("peer-bind", TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500));

    /// <summary>
    /// A platform database operation that lost an optimistic-concurrency race: run again on fresh data, eight runs in all,
    /// a few milliseconds apart so two writers that lost to each other do not meet again.
    /// </summary>
    public static readonly RetryPolicy ConcurrencyConflict = new("concurrency-conflict", TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(50), MaxAttempts: 8);

    /// <summary>The CLI's reads of a followed job while the platform cannot be reached: for up to 30 minutes (the job goes on either way).</summary>
    public static readonly RetryPolicy FollowJob = new("follow-job", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), GiveUpAfter: TimeSpan.FromMinutes(30));

    /// <summary>
    /// A pipeline for an HTTP call under <paramref name="policy"/>. The callback sends a new request each try (a request
    /// message cannot be sent twice) and returns the response; responses of tries that are retried are disposed by Polly.
    /// The pipeline returns the first response that is not transient (success or refusal) or, when the tries run out,
    /// the last one; it throws the last exception, <see cref="TimeoutRejectedException"/> past
    /// <see cref="RetryPolicy.GiveUpAfter"/>, or <see cref="OperationCanceledException"/> when the caller cancels.
    /// </summary>
    /// <param name="isTransient">What to try again; <see cref="IsTransient(Outcome{HttpResponseMessage}, CancellationToken)"/> when null.</param>
    /// <param name="onRetry">Called before each wait (to log what failed and how long it waits).</param>
    public static ResiliencePipeline<HttpResponseMessage> Http(
        RetryPolicy policy, Func<OnRetryArguments<HttpResponseMessage>, ValueTask>? onRetry = null, TimeProvider? time = null,
        Func<Outcome<HttpResponseMessage>, CancellationToken, bool>? isTransient = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Func<Outcome<HttpResponseMessage>, CancellationToken, bool> transient = isTransient ?? IsTransient;
        var retry = new HttpRetryStrategyOptions
        {
            Name = policy.Name,
            ShouldHandle = args => ValueTask.FromResult(Cancelled(args.Context) || transient(args.Outcome, args.Context.CancellationToken)),
            // The server's own word on when to come back (a rate limit's window) is taken, up to a minute; Polly's own
            // Retry-After rule has no upper bound, and a server that said "in a year" would stall the caller.
            ShouldRetryAfterHeader = false,
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time ?? TimeProvider.System)),
            OnRetry = onRetry,
        };
        Apply(policy, retry);
        return Build(policy, retry, time);
    }

    /// <summary>A pipeline for a call returning <typeparamref name="T"/> under <paramref name="policy"/>; <paramref name="isTransient"/> says which outcomes (results or exceptions) to try again.</summary>
    public static ResiliencePipeline<T> For<T>(
        RetryPolicy policy, Func<Outcome<T>, bool> isTransient, Func<OnRetryArguments<T>, ValueTask>? onRetry = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(isTransient);
        var retry = new RetryStrategyOptions<T>
        {
            Name = policy.Name,
            ShouldHandle = args => ValueTask.FromResult(Cancelled(args.Context) || isTransient(args.Outcome)),
            OnRetry = onRetry,
        };
        Apply(policy, retry);
        return Build(policy, retry, time);
    }

    /// <summary>
    /// A pipeline for calls of any result type under <paramref name="policy"/> that retries the exceptions
    /// <paramref name="isTransient"/> accepts (a result is never retried).
    /// </summary>
    public static ResiliencePipeline For(RetryPolicy policy, Func<Exception, bool> isTransient, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(isTransient);
        var retry = new RetryStrategyOptions
        {
            Name = policy.Name,
            ShouldHandle = args => ValueTask.FromResult(Cancelled(args.Context) || args.Outcome.Exception is { } e && isTransient(e)),
        };
        Apply(policy, retry);
        var builder = new ResiliencePipelineBuilder { Name = policy.Name };
        if (time is not null)
        {
            builder.TimeProvider = time;
        }
        if (policy.GiveUpAfter is { } bound)
        {
            builder.AddTimeout(new TimeoutStrategyOptions { Name = $"{policy.Name}-bound", Timeout = bound });
        }
        return builder.AddRetry(retry).Build();
    }

    /// <summary>
    /// The transient HTTP failures: no answer (<see cref="HttpRequestException"/>, an <see cref="IOException"/> while the
    /// body is read), HttpClient's own timeout (a cancellation the caller did not ask for), 408, 429 and 5xx.
    /// </summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && (IsTransientByLibrary(outcome) || outcome.Exception is IOException or OperationCanceledException);

    // Microsoft.Extensions.Http.Resilience's rule: HttpRequestException, Polly's TimeoutRejectedException, 408, 429, 5xx.
    // (Its overload that also takes HttpClient's timeout is still experimental; IsTransient above adds that itself.)
    private static bool IsTransientByLibrary(Outcome<HttpResponseMessage> outcome) => HttpClientResiliencePredicates.IsTransient(outcome);

    /// <summary>True for a status that <see cref="IsTransient(Outcome{HttpResponseMessage}, CancellationToken)"/> tries again (408, 429, 5xx).</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The longest <c>Retry-After</c> an HTTP pipeline waits for (IMGuard's own rate limits use one-minute windows).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(1);

    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        TimeSpan? wait = response?.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => null,
        };
        return wait is { } w && w > TimeSpan.Zero ? (w < MaxRetryAfter ? w : MaxRetryAfter) : null;
    }

    // Cancelled (by the caller, or by the bound on time) while or after a try: handled, so that the retry's wait throws
    // the cancellation at once. Without this a transient answer that came back just as the bound passed would be
    // returned as the pipeline's result instead of TimeoutRejectedException, and a cancellation inside a try would
    // depend on the predicate.
    private static bool Cancelled(ResilienceContext context) => context.CancellationToken.IsCancellationRequested;

    private static void Apply<T>(RetryPolicy policy, RetryStrategyOptions<T> retry)
    {
        retry.BackoffType = DelayBackoffType.Exponential;
        retry.UseJitter = true;
        retry.Delay = policy.FirstDelay;
        retry.MaxDelay = policy.MaxDelay;
        retry.MaxRetryAttempts = policy.MaxRetries;
    }

    private static ResiliencePipeline<T> Build<T>(RetryPolicy policy, RetryStrategyOptions<T> retry, TimeProvider? time)
    {
        var builder = new ResiliencePipelineBuilder<T> { Name = policy.Name };
        if (time is not null)
        {
            builder.TimeProvider = time;
        }
        if (policy.GiveUpAfter is { } bound)
        {
            // Outermost: bounds the tries and the waits together, and cancels a try still in flight at the bound.
            builder.AddTimeout(new TimeoutStrategyOptions { Name = $"{policy.Name}-bound", Timeout = bound });
        }
        return builder.AddRetry(retry).Build();
    }
}
