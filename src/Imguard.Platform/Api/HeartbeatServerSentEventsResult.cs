using System.Net.ServerSentEvents;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Imguard.Platform.Api;

/// <summary>
/// A <c>text/event-stream</c> answer like <see cref="Microsoft.AspNetCore.Http.HttpResults.ServerSentEventsResult{T}"/>
/// (each item as <c>event:</c>, <c>id:</c> and one <c>data:</c> line of JSON), that also writes a comment line
/// <c>: keep-alive</c> whenever no event has gone out for <see cref="HeartbeatInterval"/>, so that proxies and load
/// balancers with idle timeouts do not cut a stream that is merely quiet (a job in a long epoch). SSE clients ignore
/// comment lines (WHATWG HTML, "Server-sent events", §9.2.6).
/// </summary>
public sealed class HeartbeatServerSentEventsResult<T> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    /// <summary>The comment line a heartbeat writes (with the blank line that ends it).</summary>
    public const string HeartbeatLine = ": keep-alive";

    private readonly IAsyncEnumerable<SseItem<T>> _events;

    public HeartbeatServerSentEventsResult(IAsyncEnumerable<SseItem<T>> events, TimeSpan heartbeatInterval)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(heartbeatInterval, TimeSpan.Zero);
        _events = events;
        HeartbeatInterval = heartbeatInterval;
    }

    /// <summary>The longest quiet time before a heartbeat comment.</summary>
    public TimeSpan HeartbeatInterval { get; }

    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        HttpResponse response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events through as they are written
        httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        JsonSerializerOptions json = httpContext.RequestServices.GetService<IOptions<HttpJsonOptions>>()?.Value.SerializerOptions
            ?? JsonSerializerOptions.Web;
        CancellationToken aborted = httpContext.RequestAborted;
        await response.StartAsync(aborted);

        await using IAsyncEnumerator<SseItem<T>> events = _events.GetAsyncEnumerator(aborted);
        try
        {
            while (true)
            {
                Task<bool> next = events.MoveNextAsync().AsTask();
                while (!await CompletesWithinAsync(next, HeartbeatInterval, aborted))
                {
                    await WriteAsync(response, HeartbeatLine + "\n\n", aborted);
                }
                if (!await next)
                {
                    return;
                }
                await WriteAsync(response, Format(events.Current, json), aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SseItem<T>), ["text/event-stream"]));
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task timer = Task.Delay(timeout, delay.Token);
        Task first = await Task.WhenAny(task, timer);
        await delay.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == task;
    }

    private static string Format(SseItem<T> item, JsonSerializerOptions json)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(item.EventType))
        {
            text.Append("event: ").Append(SingleLine(item.EventType)).Append('\n');
        }
        if (item.EventId is { Length: > 0 } id)
        {
            text.Append("id: ").Append(SingleLine(id)).Append('\n');
        }
        // Compact JSON escapes line breaks inside strings, so the data is one line.
        text.Append("data: ").Append(JsonSerializer.Serialize(item.Data, json)).Append("\n\n");
        return text.ToString();
    }

    private static string SingleLine(string value) =>
        value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)
            ? throw new ArgumentException("An event's type and id are single lines.", nameof(value))
            : value;

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, Encoding.UTF8, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
