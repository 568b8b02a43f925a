using System.Security.Cryptography;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Jobs;
using Imguard.Party.Jobs;
using Imguard.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Party.Api;

/// <summary>
/// This party's share of a finished job's model and of its test evaluation, for a client presenting a platform-signed
/// <see cref="GrantPurpose.DownloadModel"/> grant for this party and this job (the platform issues it to the project's
/// owners only). Each file alone is uniformly random; the owner combines both parties' files.
/// <code>
/// GET /api/models/{jobId}/share        → application/octet-stream: the ModelCheckpoint file
/// GET /api/models/{jobId}/evaluation   → application/octet-stream: the EvaluationSharesFile
/// </code>
/// 401 without a valid grant (none, malformed, not the platform's, expired), 403 with a grant for another party,
/// purpose or job (both with an RFC 6750 challenge), 404 while the job has not succeeded (or had no test set).
/// Every download is audited as <c>model.downloaded</c> (user, job, project, kind, bytes, SHA-256 of the file).
/// </summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder api = routes.MapGroup("/api/models/{jobId}");
        api.MapGet("/share", (string jobId, HttpContext context, GrantAuthorization grants, JobRunner runner, AuditClient audit) =>
            Download(jobId, "model", context, grants, runner, audit));
        api.MapGet("/evaluation", (string jobId, HttpContext context, GrantAuthorization grants, JobRunner runner, AuditClient audit) =>
            Download(jobId, "evaluation", context, grants, runner, audit));
        return routes;
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> Download(
        string jobId, string kind, HttpContext context, GrantAuthorization grants, JobRunner runner, AuditClient audit)
    {
        if (!JobIds.IsValid(jobId))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad job id", "A job id is 1 to 128 characters of [A-Za-z0-9._-].");
        }
        Grant? grant = grants.Check(context, GrantPurpose.DownloadModel, jobId, out GrantDenial denial);
        if (grant is null)
        {
            audit.Emit(AuditEventTypes.PermissionDenied, "anonymous", [$"job:{jobId}"],
                new Dictionary<string, object> { ["party"] = grants.PartyId, ["operation"] = "download_" + kind });
            denial.Apply(context.Response);
            return Problem(denial.StatusCode, denial.StatusCode == StatusCodes.Status401Unauthorized ? "Grant required" : "Download not allowed", denial.Reason);
        }
        JobFolder folder = runner.Folder(jobId);
        if (runner.Status(jobId) is not { State: JobState.Succeeded })
        {
            return Problem(StatusCodes.Status404NotFound, "No model", "The job has not succeeded at this party.");
        }
        string path = kind == "model" ? folder.ModelPath : folder.EvaluationPath;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return Problem(StatusCodes.Status404NotFound, "No " + kind, kind == "model" ? "The model file is missing." : "The job had no test set.");
        }
        audit.Emit(AuditEventTypes.ModelDownloaded, $"user:{grant.User}", [$"job:{jobId}", $"project:{grant.Project}"], new Dictionary<string, object>
        {
            ["party"] = grants.PartyId,
            ["kind"] = kind,
            ["bytes"] = bytes.LongLength,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        });
        return TypedResults.File(bytes, "application/octet-stream", $"{jobId}.party{grants.PartyId}.{kind}");
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
