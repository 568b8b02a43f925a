using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Imguard.Contracts.Audit;
using Imguard.ServiceDefaults.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;

namespace Imguard.ServiceDefaults.Audit;

/// <summary>
/// Sends a service's audit events to the audit server over mutual TLS, in the background so that a slow audit server
/// never stalls a request: events queue in order (bounded), go out in batches, and a failed batch is retried with
/// back-off and jitter (<see cref="Retries.AuditDelivery"/>) until it is accepted, so a restart of the audit server loses nothing. At shutdown the queue is flushed
/// for a bounded time. With an outbox file, every event is on disk before <see cref="Emit"/> returns and events not
/// yet accepted when the process stops (or dies) are sent when it starts again; without one, events still queued at
/// exit are lost. Each event gets a unique id when it is emitted and keeps it in the outbox, so the audit server,
/// which appends an id from one sender once, turns the outbox's at-least-once delivery into exactly one record.
/// Events that cannot be queued (queue full) or are lost are counted and logged as an error by count
/// — never by content.
/// </summary>
public sealed class AuditClient : BackgroundService
{
    /// <summary>The audit server's endpoint for event batches.</summary>
    public const string EventsPath = "api/audit/events";

    private readonly HttpClient _http;
    private readonly ILogger<AuditClient> _logger;
    private readonly Channel<AuditEventMessage> _queue;
    private readonly TimeSpan _flushTimeout;
    private long _dropped;
    private long _sent;
    private int _pending;
    private readonly CancellationTokenSource _abandon = new();
    private readonly ResiliencePipeline<HttpResponseMessage> _delivery;
    private readonly AuditOutbox? _outbox;
    private readonly Lock _outboxGate = new();

    public AuditClient(HttpClient http, ILogger<AuditClient> logger, int capacity = 100_000, TimeSpan? flushTimeout = null, string? outboxPath = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _logger = logger;
        _flushTimeout = flushTimeout ?? TimeSpan.FromSeconds(5);
        _delivery = Retries.Http(Retries.AuditDelivery, args =>
        {
            _logger.LogWarning("Audit server not reachable ({Reason}); {Count} events held, retrying in {Delay} ms.",
                args.Outcome.Exception?.Message ?? $"HTTP {(int)args.Outcome.Result!.StatusCode}", Volatile.Read(ref _pending), (int)args.RetryDelay.TotalMilliseconds);
            return ValueTask.CompletedTask;
        }, time, (outcome, _) => ShouldResend(outcome));
        _queue = Channel.CreateBounded<AuditEventMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
        if (outboxPath is not null)
        {
            _outbox = new AuditOutbox(outboxPath);
            IReadOnlyList<AuditEventMessage> left = _outbox.ReadPending();
            foreach (AuditEventMessage message in left)
            {
                Interlocked.Increment(ref _pending);
                _queue.Writer.TryWrite(message);
            }
            if (left.Count > 0)
            {
                _logger.LogInformation("{Count} audit events from before the last stop will be delivered.", left.Count);
            }
        }
    }

    /// <summary>Events accepted by the audit server so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Events that could not be queued.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues an event; returns at once.</summary>
    public void Emit(string eventType, string actor, IEnumerable<string>? subjects = null, IReadOnlyDictionary<string, object>? facts = null)
    {
        var message = new AuditEventMessage
        {
            // Assigned once, here: the outbox keeps it, so every resend carries the same id and the audit server
            // appends the event once however often it arrives.
            EventId = NewEventId(),
            EventType = eventType,
            Actor = actor,
            Subjects = subjects?.ToArray() ?? [],
            Properties = facts is null ? null : JsonSerializer.SerializeToElement(facts),
        };
        if (_outbox is not null)
        {
            lock (_outboxGate)
            {
                _outbox.Append(message);
                Interlocked.Increment(ref _pending);
            }
        }
        else
        {
            Interlocked.Increment(ref _pending);
        }
        if (!_queue.Writer.TryWrite(message))
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
            _logger.LogError("Audit queue full: event {EventType} dropped ({Dropped} dropped so far).", eventType, Dropped);
        }
    }

    /// <summary>A fresh event id: 128 bits from the OS CSPRNG, lower-case hex.</summary>
    public static string NewEventId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Waits until every event queued before the call has been accepted, or the timeout passes.</summary>
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

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (!await FlushAsync(_flushTimeout, CancellationToken.None))
        {
            _logger.LogError("Audit server unreachable at shutdown: {Pending} events not delivered.", Volatile.Read(ref _pending));
            await _abandon.CancelAsync();
        }
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEventMessage>(AuditEventBatch.MaxEvents);
        while (true)
        {
            try
            {
                if (!await _queue.Reader.WaitToReadAsync(CancellationToken.None))
                {
                    return; // completed and drained
                }
            }
            catch (ChannelClosedException)
            {
                return;
            }
            while (batch.Count < AuditEventBatch.MaxEvents && _queue.Reader.TryRead(out AuditEventMessage? message))
            {
                batch.Add(message);
            }
            try
            {
                // Not the stopping token: a batch is sent until the audit server accepts it, also while the service
                // stops; only the end of StopAsync's flush window (_abandon) ends the tries, and the outbox keeps the rest.
                using HttpResponseMessage response = await _delivery.ExecuteAsync(async token =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, EventsPath)
                    {
                        Content = JsonContent.Create(new AuditEventBatch { Events = batch }),
                    };
                    return await _http.SendAsync(request, token);
                }, _abandon.Token);
                if (response.StatusCode == HttpStatusCode.BadRequest)
                {
                    // A malformed event is a bug in the emitter; retrying cannot fix it. Say which types, not contents.
                    _logger.LogError("Audit server refused a batch of {Count} events ({Types}): {Reason}", batch.Count,
                        string.Join(",", batch.Select(e => e.EventType).Distinct()), await response.Content.ReadAsStringAsync(CancellationToken.None));
                    Interlocked.Add(ref _dropped, batch.Count);
                }
                else
                {
                    Interlocked.Add(ref _sent, batch.Count);
                }
                Interlocked.Add(ref _pending, -batch.Count);
                batch.Clear();
                ClearOutboxIfDelivered();
            }
            catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
            {
                return; // shutting down and the flush window is over: StopAsync reported what is left
            }
        }
    }

    /// <summary>
    /// The audit server's answer to be tried again (<see cref="Retries.AuditDelivery"/>): no answer, and every status but
    /// success and 400. An audit event is never dropped on a refusal that a fix on the server's side can lift (a
    /// certificate not yet trusted, a 404 from a server being upgraded, a 429): the events wait, on disk with an outbox.
    /// Only 400, a batch the server cannot read, is final.
    /// </summary>
    private static bool ShouldResend(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or IOException or OperationCanceledException } => true,
        { Result: { } response } => !response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.BadRequest,
        _ => false,
    };

    private void ClearOutboxIfDelivered()
    {
        if (_outbox is null)
        {
            return;
        }
        lock (_outboxGate)
        {
            // Appends count themselves in under this lock, so nothing unsent is in the file when the count is zero.
            if (Volatile.Read(ref _pending) == 0)
            {
                _outbox.Clear();
            }
        }
    }

    public override void Dispose()
    {
        _outbox?.Dispose();
        _http.Dispose();
        _abandon.Dispose();
        base.Dispose();
    }
}
