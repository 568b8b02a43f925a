using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Imguard.Platform.Api;

/// <summary>
/// 403 with a problem body saying which right is missing. (The framework's <c>ForbidHttpResult</c> goes through
/// the authentication handler and has no body.) Made by <see cref="ApiResults"/>, which also audits it.
/// </summary>
public sealed class Forbidden : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private readonly ProblemHttpResult _problem;

    internal Forbidden(string detail) =>
        _problem = TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public int? StatusCode => StatusCodes.Status403Forbidden;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]));
    }
}
