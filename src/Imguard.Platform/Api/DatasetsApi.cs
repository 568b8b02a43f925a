using Imguard.Contracts.Audit;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Platform.Datasets;
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
/// Dataset metadata. Registering a dataset (contributors and owners) returns it with one upload grant per party:
/// the client sends each half straight to its party with that party's grant; the platform never relays data.
/// Fresh grants can be had while the dataset waits for its halves. Both are refused (409, naming the quota and its
/// use) when the user's or the project's datasets would exceed their storage quota. Deleting (owners) marks the dataset Deleting;
/// the <see cref="DatasetDeletionWorker"/> then has both parties delete their halves.
/// </summary>
public static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder inProject = routes.MapGroup("/api/projects/{projectId:guid}/datasets").WithTags("Datasets")
            .RequireAuthorization(PlatformAuthentication.UserPolicy);
        inProject.MapGet("/", ListAsync);
        inProject.MapPost("/", RegisterAsync).RequireRateLimiting(PlatformRateLimiting.Grants).ProducesProblem(StatusCodes.Status429TooManyRequests);

        RouteGroupBuilder datasets = routes.MapGroup("/api/datasets").WithTags("Datasets").RequireAuthorization(PlatformAuthentication.UserPolicy);
        datasets.MapGet("/{id}", GetAsync);
        datasets.MapDelete("/{id}", DeleteAsync);
        datasets.MapPost("/{id}/disclose-statistics", DiscloseStatisticsAsync)
            .WithSummary("The dataset's owner discloses the per-channel statistics it was standardised with, so it can join jobs standardised over the union.")
            .WithDescription("The uploader only (another member: 403; a non-member: 404). Only a dataset scaled `own` and not being deleted (409 "
                + "otherwise); one mean and one standard deviation (of x/255) per channel of the project (400 otherwise). The scaling becomes "
                + "`disclosed` with these numbers, for good: they are public to the project's members, the parties and every job's approvers. A job "
                + "created before keeps the scaling its terms were built with; make a new job to use the disclosed statistics.");
        datasets.MapPost("/{id}/upload-grants", UploadGrantsAsync).RequireRateLimiting(PlatformRateLimiting.Grants).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<DatasetView>>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ListAsync(
        Guid projectId, HttpContext http, DatasetRegistry registry, CancellationToken cancellationToken, bool includeDeleted = false) =>
        ApiResults.From(await registry.ListAsync(http.User.RequireUserId(), projectId, includeDeleted, cancellationToken),
            list => TypedResults.Ok<IReadOnlyList<DatasetView>>([.. list.Select(ApiViews.Dataset)]), http, ProjectsApi.Subject(projectId));

    private static async Task<Results<Created<DatasetUploadView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RegisterAsync(
        Guid projectId, RegisterDatasetRequest request, HttpContext http, ProjectService projects, DatasetRegistry registry, GrantIssuer grants,
        PlatformAudit audit, CancellationToken cancellationToken)
    {
        Guid userId = http.User.RequireUserId();
        Outcome<ProjectInfo> project = await projects.GetAsync(userId, projectId, cancellationToken);
        if (!project.IsOk)
        {
            return ApiResults.Failure<ProjectInfo, Created<DatasetUploadView>>(project, http, ProjectsApi.Subject(projectId));
        }

        // Shape and classes are the project's: a client cannot register data the project's models cannot take.
        var registration = new DatasetRegistration(projectId, request.Name ?? "", request.Purpose, project.Value.InputShape, request.Count,
            project.Value.Classes, request.FractionalBits, request.Digest0 ?? "", request.Digest1 ?? "", request.Id, request.Scaling);
        Outcome<DatasetInfo> registered = await registry.RegisterAsync(userId, registration, cancellationToken);
        if (!registered.IsOk)
        {
            return ApiResults.Failure<DatasetInfo, Created<DatasetUploadView>>(registered, http, ProjectsApi.Subject(projectId));
        }

        DatasetInfo dataset = registered.Value;
        string actor = PlatformAudit.Actor(http.User);
        audit.Emit(AuditEventTypes.DatasetRegistered, actor, [Subject(dataset.Id), ProjectsApi.Subject(projectId)], new Dictionary<string, object>
        {
            ["purpose"] = dataset.Purpose.ToString().ToLowerInvariant(),
            ["count"] = dataset.Count,
            ["channels"] = dataset.Shape.Channels,
            ["height"] = dataset.Shape.Height,
            ["width"] = dataset.Shape.Width,
            ["classes"] = dataset.Classes,
            ["fractionalBits"] = dataset.FractionalBits,
            ["digest0"] = dataset.Party0Digest,
            ["digest1"] = dataset.Party1Digest,
            ["scaling"] = dataset.PixelScaling.Kind,
        });
        IReadOnlyList<GrantView> uploads = IssueUploads(grants, audit, actor, dataset, http.User.RequireUserName());
        return TypedResults.Created($"/api/datasets/{dataset.Id}", new DatasetUploadView(ApiViews.Dataset(dataset), uploads));
    }

    private static async Task<Results<Ok<DatasetView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> GetAsync(
        string id, HttpContext http, DatasetRegistry registry, CancellationToken cancellationToken) =>
        ApiResults.From(await registry.GetAsync(http.User.RequireUserId(), id, cancellationToken), dataset => TypedResults.Ok(ApiViews.Dataset(dataset)), http, Subject(id));

    private static async Task<Results<Accepted<DatasetView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> DeleteAsync(
        string id, HttpContext http, DatasetDeletions deletions, DatasetDeletionWorker worker, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<DatasetInfo> deleting = await deletions.RequestDeleteAsync(http.User.RequireUserId(), id, cancellationToken);
        if (deleting.IsOk)
        {
            audit.Emit(AuditEventTypes.DatasetDeletionRequested, PlatformAudit.Actor(http.User), [Subject(deleting.Value.Id), ProjectsApi.Subject(deleting.Value.ProjectId)]);
            worker.Wake();
        }

        return ApiResults.From(deleting, dataset => TypedResults.Accepted($"/api/datasets/{dataset.Id}", ApiViews.Dataset(dataset)), http, Subject(id));
    }

    private static async Task<Results<Ok<DatasetView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> DiscloseStatisticsAsync(
        string id, DiscloseStatisticsRequest request, HttpContext http, DatasetRegistry registry, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<DatasetInfo> disclosed = await registry.DiscloseStatisticsAsync(http.User.RequireUserId(), id, request.Mean, request.Std, cancellationToken);
        if (disclosed.IsOk)
        {
            DatasetInfo dataset = disclosed.Value;
            PixelScaling scaling = dataset.PixelScaling;
            // The numbers are public from now on (every job's approvers sign them), so the event keeps them as signed.
            audit.Emit(AuditEventTypes.DatasetStatisticsDisclosed, PlatformAudit.Actor(http.User), [Subject(dataset.Id), ProjectsApi.Subject(dataset.ProjectId)],
                new Dictionary<string, object>
                {
                    ["channels"] = dataset.Shape.Channels,
                    ["scaling"] = scaling.ToConsentText(),
                });
        }

        return ApiResults.From(disclosed, dataset => TypedResults.Ok(ApiViews.Dataset(dataset)), http, Subject(id));
    }

    private static async Task<Results<Ok<DatasetUploadView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> UploadGrantsAsync(
        string id, HttpContext http, DatasetRegistry registry, GrantIssuer grants, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<DatasetInfo> found = await registry.GetForUploadAsync(http.User.RequireUserId(), id, cancellationToken);
        if (!found.IsOk)
        {
            return ApiResults.Failure<DatasetInfo, Ok<DatasetUploadView>>(found, http, Subject(id));
        }

        DatasetInfo dataset = found.Value;
        IReadOnlyList<GrantView> uploads = IssueUploads(grants, audit, PlatformAudit.Actor(http.User), dataset, http.User.RequireUserName());
        return TypedResults.Ok(new DatasetUploadView(ApiViews.Dataset(dataset), uploads));
    }

    internal static string Subject(string datasetId) => "dataset:" + (datasetId.Length <= 64 ? datasetId : datasetId[..64]);

    private static IReadOnlyList<GrantView> IssueUploads(GrantIssuer grants, PlatformAudit audit, string actor, DatasetInfo dataset, string userName)
    {
        IReadOnlyList<GrantView> uploads = grants.Uploads(dataset.ProjectId, dataset.Id, userName);
        audit.Emit(AuditEventTypes.GrantIssued, actor, [Subject(dataset.Id), ProjectsApi.Subject(dataset.ProjectId)], new Dictionary<string, object>
        {
            ["purpose"] = "uploadDataset",
            ["parties"] = uploads.Count,
            ["expiresAt"] = uploads[0].ExpiresAt.ToString("O"),
        });
        return uploads;
    }
}
