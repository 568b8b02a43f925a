using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Party.Api;

/// <summary>
/// ASP.NET Core rate limits on the upload API, per client address: the control calls (begin, status, complete,
/// abort) in a fixed window, and the chunk uploads by concurrency (a dataset is many chunks, so they are not counted
/// per minute, but one client cannot hold every connection). Refusals are 429 with Retry-After; the grant check
/// still comes first for everything that is let through.
/// </summary>
public sealed record UploadRateLimits
{
    public const string ControlPolicy = "upload-control";
    public const string ChunkPolicy = "upload-chunks";

    /// <summary>Control calls per client address per minute.</summary>
    public int ControlPerMinute { get; init; } = 120;

    /// <summary>Chunk uploads in flight per client address.</summary>
    public int ConcurrentChunks { get; init; } = 8;

    internal void AddTo(IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(ControlPolicy, context => RateLimitPartition.GetFixedWindowLimiter(Address(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = ControlPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
            options.AddPolicy(ChunkPolicy, context => RateLimitPartition.GetConcurrencyLimiter(Address(context), _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = ConcurrentChunks,
                QueueLimit = ConcurrentChunks,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
        });
    }

    private static string Address(HttpContext context) => (context.Connection.RemoteIpAddress ?? IPAddress.None).ToString();
}
