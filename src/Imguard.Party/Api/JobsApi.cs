using Imguard.Contracts.Jobs;
using Imguard.Party.Jobs;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Party.Api;

/// <summary>
/// Job control, for the platform's certificate only:
/// <code>
/// POST /internal/jobs/{id}/start    JobDescription → 202 JobStartReply (queued; the same description again: 202 with its state)
/// POST /internal/jobs/{id}/cancel   → 200 JobStartReply
/// GET  /internal/jobs/{id}          → 200 JobStartReply
/// </code>
/// 400 for a description no run can use, 409 for a job that exists here with another description or has finished
/// (a failed or cancelled job restarts, from its checkpoints, only with a higher attempt), 404 for an unknown job.
/// </summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder api = routes.MapGroup("/internal/jobs/{jobId}").RequireServiceRole(ServiceRole.Platform);
        api.MapPost("/start", Start);
        api.MapPost("/cancel", Cancel);
        api.MapGet("/", Status);
        return routes;
    }

    private static Results<Accepted<JobStartReply>, ProblemHttpResult> Start(string jobId, JobDescription description, JobRunner runner)
    {
        if (description is null || !string.Equals(description.JobId, jobId, StringComparison.Ordinal))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad job description", "Send the job's description; its jobId must be the one in the path.");
        }
        JobCommandResult result = runner.Start(description);
        return result.Status == JobCommandStatus.Ok
            ? TypedResults.Accepted($"/internal/jobs/{Uri.EscapeDataString(jobId)}", result.Reply)
            : FromResult(result);
    }

    private static Results<Ok<JobStartReply>, ProblemHttpResult> Cancel(string jobId, JobRunner runner)
    {
        JobCommandResult result = runner.Cancel(jobId);
        return result.Status == JobCommandStatus.Ok ? TypedResults.Ok(result.Reply) : FromResult(result);
    }

    private static Results<Ok<JobStartReply>, ProblemHttpResult> Status(string jobId, JobRunner runner) =>
        runner.Status(jobId) is { } reply ? TypedResults.Ok(reply) : Problem(StatusCodes.Status404NotFound, "No such job", "The job is not known here.");

    private static ProblemHttpResult FromResult(JobCommandResult result) => Problem(result.Status switch
    {
        JobCommandStatus.Invalid => StatusCodes.Status400BadRequest,
        JobCommandStatus.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status404NotFound,
    }, result.Status.ToString(), result.Problem ?? "");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
