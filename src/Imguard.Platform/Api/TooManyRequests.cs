using System.Reflection;
using Imguard.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Imguard.Platform.Api;

/// <summary>429 with <c>Retry-After</c> (whole seconds) and a problem body: a rate limit was reached.</summary>
public sealed class TooManyRequests : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private readonly TimeSpan? _retryAfter;
    private readonly ProblemHttpResult _problem;

    private TooManyRequests(TimeSpan? retryAfter)
    {
        _retryAfter = retryAfter;
        _problem = TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: retryAfter is { } wait
                ? $"Too many attempts; try again in {PlatformRateLimiting.RetryAfterSeconds(wait)} s."
                : "Too many attempts; try again later.");
    }

    public int? StatusCode => StatusCodes.Status429TooManyRequests;

    /// <summary>A 429 that tells the client how long to wait (when known).</summary>
    public static TooManyRequests Create(TimeSpan? retryAfter) => new(retryAfter);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers[HeaderNames.RetryAfter] = PlatformRateLimiting.RetryAfterSeconds(_retryAfter ?? TimeSpan.FromMinutes(1));
        return _problem.ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails), ["application/problem+json"]));
    }
}
