using System.Reflection;
using Imguard.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Imguard.Platform.Api;

/// <summary>423 Locked with <c>Retry-After</c>: too many failed logins; refused until the lockout ends, even with the right password.</summary>
public sealed class AccountLocked : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private readonly DateTimeOffset _until;
    private readonly DateTimeOffset _now;
    private readonly ProblemHttpResult _problem;

    internal AccountLocked(string message, DateTimeOffset until, DateTimeOffset now)
    {
        _until = until;
        _now = now;
        _problem = TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked", detail: message);
    }

    public int? StatusCode => StatusCodes.Status423Locked;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers[HeaderNames.RetryAfter] = PlatformRateLimiting.RetryAfterSeconds(_until - _now);
        return _problem.ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status423Locked, typeof(ProblemDetails), ["application/problem+json"]));
    }
}
