using System.Security.Cryptography;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Jobs;
using Imguard.Party.Jobs;
using Imguard.Party.Shares;
using Imguard.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Party.Api;

/// <summary>
/// This party's share of a finished job's model and of its test evaluation, for a client presenting a platform-signed
/// <see cref="GrantPurpose.DownloadModel"/> grant for this party and this job (the platform issues it to the project's
/// owners only) AND a request signed by a key entitled to the file (<see cref="ModelRelease"/>): a model recipient's
/// key of the job's consent for the model, the evaluated dataset's owner key for the evaluation. The grant alone is
/// not enough, so the platform, which mints grants, cannot collect both model shares. Each file alone is uniformly
/// random; the recipient combines both parties' files.
/// <code>
/// POST /api/models/{jobId}/share/challenge       → ModelChallengeView: a fresh challenge for the model share
/// POST /api/models/{jobId}/evaluation/challenge  → ModelChallengeView: a fresh challenge for the evaluation share
/// GET  /api/models/{jobId}/share        X-Imguard-Key, X-Imguard-Challenge, X-Imguard-Signature → the ModelCheckpoint file
/// GET  /api/models/{jobId}/evaluation   (the same headers)                                    → the EvaluationSharesFile
/// </code>
/// 401 without a valid grant (none, malformed, not the platform's, expired), 403 with a grant for another party,
/// purpose or job (both with an RFC 6750 challenge), 404 while the job has not succeeded (or had no test set), 403 for
/// a download whose signed request is missing or refused (saying why; audited as <c>model.request_refused</c>).
/// Every download is audited as <c>model.downloaded</c> (user, job, project, kind, bytes, SHA-256 of the file, the
/// requesting key's fingerprint).
/// </summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        // One table per party process: a challenge is good only at the party that issued it.
        var challenges = new ModelRequestChallenges(routes.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System);
        RouteGroupBuilder api = routes.MapGroup("/api/models/{jobId}");
        api.MapPost("/share/challenge", (string jobId, HttpContext context, GrantAuthorization grants, JobRunner runner, AuditClient audit) =>
            Challenge(jobId, ModelRequestDigest.Model, context, grants, runner, audit, challenges));
        api.MapPost("/evaluation/challenge", (string jobId, HttpContext context, GrantAuthorization grants, JobRunner runner, AuditClient audit) =>
            Challenge(jobId, ModelRequestDigest.Evaluation, context, grants, runner, audit, challenges));
        api.MapGet("/share", (string jobId, HttpContext context, GrantAuthorization grants, JobRunner runner, ShareStore store, AuditClient audit) =>
            DownloadAsync(jobId, ModelRequestDigest.Model, context, grants, runner, store, audit, challenges));
        api.MapGet("/evaluation", (string jobId, HttpContext context, GrantAuthorization grants, JobRunner runner, ShareStore store, AuditClient audit) =>
            DownloadAsync(jobId, ModelRequestDigest.Evaluation, context, grants, runner, store, audit, challenges));
        return routes;
    }

    private static Results<Ok<ModelChallengeView>, ProblemHttpResult> Challenge(
        string jobId, string what, HttpContext context, GrantAuthorization grants, JobRunner runner, AuditClient audit, ModelRequestChallenges challenges)
    {
        if (Available(jobId, what, context, grants, runner, audit, out _) is { } refusal)
        {
            return refusal;
        }
        if (challenges.Issue(jobId, what) is not { } issued)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Too many challenges", "Too many model requests are outstanding at this party; try again in a few minutes.");
        }
        return TypedResults.Ok(new ModelChallengeView(Convert.ToBase64String(issued.Challenge), grants.PartyId, issued.ExpiresAt));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(string jobId, string what, HttpContext context,
        GrantAuthorization grants, JobRunner runner, ShareStore store, AuditClient audit, ModelRequestChallenges challenges)
    {
        if (Available(jobId, what, context, grants, runner, audit, out Grant? granted) is { } refusal)
        {
            return refusal;
        }
        Grant grant = granted!;
        JobFolder folder = runner.Folder(jobId);
        ModelRelease.Request? request = ModelRelease.Parse(context.Request.Headers, out string? problem);
        if (request is not null)
        {
            problem = await ModelRelease.CheckAsync(folder.ReadDescription(), what, grants.PartyId, request, challenges, store, context.RequestAborted);
        }
        if (problem is not null)
        {
            var data = new Dictionary<string, object> { ["party"] = grants.PartyId, ["kind"] = what, ["reason"] = problem };
            if (request is not null && OwnerKeys.Check(request.Key) is null)
            {
                data["key"] = OwnerKeys.Fingerprint(request.Key);
            }
            audit.Emit(AuditEventTypes.ModelRequestRefused, $"user:{grant.User}", [$"job:{jobId}", $"project:{grant.Project}"], data);
            return Problem(StatusCodes.Status403Forbidden, "Request not signed by an entitled key", $"Party {grants.PartyId} releases no {what} share: {problem}.");
        }
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(FilePath(folder, what), context.RequestAborted);
        }
        catch (FileNotFoundException)
        {
            return NotThere(what);
        }
        audit.Emit(AuditEventTypes.ModelDownloaded, $"user:{grant.User}", [$"job:{jobId}", $"project:{grant.Project}"], new Dictionary<string, object>
        {
            ["party"] = grants.PartyId,
            ["kind"] = what,
            ["bytes"] = bytes.LongLength,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ["key"] = OwnerKeys.Fingerprint(request!.Key),
        });
        return TypedResults.File(bytes, "application/octet-stream", $"{jobId}.party{grants.PartyId}.{what}");
    }

    /// <summary>Null when the grant allows <paramref name="what"/> of the job and the file is there; otherwise the refusal (401/403 grant, 404 no file).</summary>
    private static ProblemHttpResult? Available(string jobId, string what, HttpContext context, GrantAuthorization grants, JobRunner runner, AuditClient audit,
        out Grant? grant)
    {
        grant = null;
        if (!JobIds.IsValid(jobId))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad job id", "A job id is 1 to 128 characters of [A-Za-z0-9._-].");
        }
        grant = grants.Check(context, GrantPurpose.DownloadModel, jobId, out GrantDenial denial);
        if (grant is null)
        {
            audit.Emit(AuditEventTypes.PermissionDenied, "anonymous", [$"job:{jobId}"],
                new Dictionary<string, object> { ["party"] = grants.PartyId, ["operation"] = "download_" + what });
            denial.Apply(context.Response);
            return Problem(denial.StatusCode, denial.StatusCode == StatusCodes.Status401Unauthorized ? "Grant required" : "Download not allowed", denial.Reason);
        }
        if (runner.Status(jobId) is not { State: JobState.Succeeded })
        {
            return Problem(StatusCodes.Status404NotFound, "No model", "The job has not succeeded at this party.");
        }
        return File.Exists(FilePath(runner.Folder(jobId), what)) ? null : NotThere(what);
    }

    private static string FilePath(JobFolder folder, string what) => what == ModelRequestDigest.Model ? folder.ModelPath : folder.EvaluationPath;

    private static ProblemHttpResult NotThere(string what) =>
        Problem(StatusCodes.Status404NotFound, "No " + what, what == ModelRequestDigest.Model ? "The model file is missing." : "The job had no test set.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
