using System.Net.Http.Json;
using System.Text.Json;
using Imguard.Contracts.Projects;
using Imguard.Platform.Projects;
using Imguard.Platform.Security;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Api;

/// <summary>
/// A project's activity for anyone who may view the project (members; an administrator, as for the project's
/// metadata): the audit records naming subject <c>project:{id}</c>, newest first, paged by sequence number
/// (<c>after</c> = the previous page's <c>nextCursor</c>). The platform asks the audit server with its own
/// certificate, as <see cref="AuditProxyApi"/> does, and always for this one subject, so a member never reads
/// another project's records. A non-member gets 404, as for a missing project.
/// </summary>
public static class ProjectActivityApi
{
    /// <summary>The page size used when none is given.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapProjectActivityApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGroup("/api/projects").WithTags("Projects").RequireAuthorization(PlatformAuthentication.UserPolicy)
            .MapGet("/{id:guid}/activity", ActivityAsync);
        return routes;
    }

    private static async Task<Results<Ok<ProjectActivityView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>, ProblemHttpResult>> ActivityAsync(
        Guid id, HttpContext http, ProjectService projects, ServiceLinks links, CancellationToken cancellationToken, long? after = null, int limit = DefaultLimit)
    {
        // Access first, so a non-member learns nothing from validation.
        Outcome<ProjectInfo> project = await projects.GetAsync(http.User.RequireUserId(), id, cancellationToken);
        if (!project.IsOk)
        {
            string error = project.Error ?? project.Status.ToString();
            return project.Status switch
            {
                OutcomeStatus.NotFound => TypedResults.NotFound(ApiResults.Problem(StatusCodes.Status404NotFound, "Not found", error)),
                OutcomeStatus.Forbidden => ApiResults.Deny(http, ProjectsApi.Subject(id), error),
                OutcomeStatus.Invalid => ApiResults.Invalid(error),
                _ => TypedResults.Conflict(ApiResults.Problem(StatusCodes.Status409Conflict, "Conflict", error)),
            };
        }

        if (limit is < 1 or > MaxLimit)
        {
            return ApiResults.Invalid($"limit must be 1 to {MaxLimit}.");
        }

        if (after is < 1)
        {
            return ApiResults.Invalid("after must be a sequence number from a previous page (1 or more).");
        }

        string subject = ProjectsApi.Subject(id);
        string path = $"api/audit/records?subject={Uri.EscapeDataString(subject)}&newestFirst=true&limit={limit}"
            + (after is { } cursor ? $"&cursor={cursor}" : "");
        try
        {
            using HttpResponseMessage response = await links.Audit.GetAsync(path, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Audit server error",
                    detail: $"The audit server answered {(int)response.StatusCode}.");
            }

            AuditPage page = await response.Content.ReadFromJsonAsync<AuditPage>(Json, cancellationToken)
                ?? throw new JsonException("The audit server sent an empty page.");
            // The audit server filtered by subject; keep only what names it, should it ever answer more.
            ActivityRecordView[] records = [.. (page.Records ?? []).Where(r => r.Subjects?.Contains(subject, StringComparer.Ordinal) == true)
                .Select(r => new ActivityRecordView(r.Sequence, r.Timestamp, r.EventType ?? "", r.Actor ?? "", r.Subjects!, r.Properties))];
            return TypedResults.Ok(new ProjectActivityView(records, page.NextCursor));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Audit server unavailable",
                detail: "The audit server did not answer; try again later.");
        }
    }

    // The audit server's page as it sends it (Imguard.Audit's AuditPageView; the platform does not reference that service).
    private sealed record AuditPage(IReadOnlyList<AuditRecord>? Records, long? NextCursor);

    private sealed record AuditRecord(long Sequence, DateTimeOffset Timestamp, string? EventType, string? Actor, IReadOnlyList<string>? Subjects, JsonElement Properties);
}
