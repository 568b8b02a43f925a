using Imguard.Contracts.Audit;
using Imguard.Contracts.Shares;
using Imguard.Party.Shares;
using Imguard.ServiceDefaults.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Party.Api;

/// <summary>What the platform (and only the platform, by its certificate) asks of a party about datasets.</summary>
public static class InternalDatasetsApi
{
    public static IEndpointRouteBuilder MapInternalDatasetsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder api = routes.MapGroup("/internal/datasets").RequireServiceRole(ServiceRole.Platform);
        api.MapDelete("/{datasetId}", DeleteAsync);
        api.MapGet("/", List);
        return routes;
    }

    /// <summary>
    /// Deletes this party's half, stops and removes any upload of it in progress, and closes the dataset so no grant
    /// can upload it again; idempotent (a half that is not here counts as deleted).
    /// </summary>
    private static async Task<Results<Ok<DeletionReply>, ProblemHttpResult>> DeleteAsync(string datasetId, ShareStore store, GrantAuthorization grants, AuditClient audit, CancellationToken cancellationToken)
    {
        if (!ShareFileFormat.IsValidDatasetId(datasetId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad dataset id");
        }
        bool existed = await store.DeleteAsync(datasetId, cancellationToken);
        audit.Emit(AuditEventTypes.DatasetDeleted, $"party:{grants.PartyId}", [$"dataset:{datasetId}"],
            new Dictionary<string, object> { ["party"] = grants.PartyId, ["existed"] = existed });
        return TypedResults.Ok(new DeletionReply(datasetId, existed));
    }

    /// <summary>The ids of the halves stored here (for an operator's reconciliation).</summary>
    private static Ok<IReadOnlyList<string>> List(ShareStore store) => TypedResults.Ok(store.ListDatasets());
}
