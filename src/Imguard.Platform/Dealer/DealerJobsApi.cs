using Imguard.Contracts.Jobs;
using Imguard.Dealer.Sessions;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Dealer;

/// <summary>
/// <c>GET /internal/dealer/jobs/{jobId}</c>: what a dealer running as its own service (<c>imguard dealer</c>) learns
/// of a job, for the dealer role's certificate only (not a party's, not a user's): exactly what
/// <see cref="DealerJob"/> holds — the job's public description and the sizes of its training and test sets, read by
/// <see cref="PlatformDealerJobCatalog"/> as the in-platform dealer reads them. 404 when the job is unknown or over
/// (no new attempt starts then). Mapped only when the deployment places the dealer outside the platform.
/// </summary>
public static class DealerJobsApi
{
    public static IEndpointRouteBuilder MapDealerJobsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/internal/dealer/jobs/{jobId}", GetAsync).RequireServiceRole(ServiceRole.Dealer)
            .ExcludeFromDescription(); // service-to-service only: not part of the public API document
        return routes;
    }

    private static async Task<Results<Ok<DealerJobView>, ProblemHttpResult>> GetAsync(
        string jobId, PlatformDealerJobCatalog catalog, CancellationToken cancellationToken)
    {
        DealerJob? job = await catalog.GetAsync(jobId, cancellationToken);
        return job is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Job '{jobId}' is unknown or over.")
            : TypedResults.Ok(new DealerJobView(job.Description, job.TrainingCount, job.TestCount));
    }
}
