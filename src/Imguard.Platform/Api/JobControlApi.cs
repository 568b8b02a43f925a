using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Dealer.Planning;
using Imguard.Platform.Jobs;
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
/// A job's creator takes a stopped job up again (<see cref="JobControl"/>): resume it from its newest checkpoint,
/// restart it from newly dealt weights (both keep the consent terms, so the approvals stay valid and the parties verify
/// them again), or revise it with new settings, datasets or recipients (every approval void; the job waits for new
/// ones, the creator's client signs its own as at creation).
/// </summary>
public static class JobControlApi
{
    public static IEndpointRouteBuilder MapJobControlApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder jobs = routes.MapGroup("/api/jobs").WithTags("Jobs").RequireAuthorization(PlatformAuthentication.UserPolicy);
        jobs.MapPost("/{id}/resume", ResumeAsync)
            .WithSummary("The creator queues a failed or cancelled training job again; the parties continue from the newest checkpoint both hold.")
            .WithDescription("Same consent terms: the approvals stay valid. 409 when the job has no checkpoint (restart it) or never had every approval (revise it).");
        jobs.MapPost("/{id}/restart", RestartAsync)
            .WithSummary("The creator queues a failed or cancelled training job again from the beginning: the parties discard the earlier attempts' checkpoints and model.")
            .WithDescription("Same consent terms: the approvals stay valid. The job's progress and history start again.");
        jobs.MapPost("/{id}/revise", ReviseAsync)
            .WithSummary("The creator replaces the settings, datasets and recipients of a job that waits, was declined, failed or was cancelled; every approval is void.")
            .WithDescription("The body is a job creation's (same project). The revision goes up and is signed, so no earlier signature counts; the job waits for "
                + "every owner's and recipient's approval again (audit consent.revised with both digests). A job that had gone to the parties starts over.");
        return routes;
    }

    private static Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ResumeAsync(
        string id, HttpContext http, JobControl control, JobDispatcher dispatcher, JobNotifier notifier, PlatformAudit audit, CancellationToken cancellationToken) =>
        ReopenAsync(id, JobControlAction.Resume, http, control, dispatcher, notifier, audit, cancellationToken);

    private static Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RestartAsync(
        string id, HttpContext http, JobControl control, JobDispatcher dispatcher, JobNotifier notifier, PlatformAudit audit, CancellationToken cancellationToken) =>
        ReopenAsync(id, JobControlAction.Restart, http, control, dispatcher, notifier, audit, cancellationToken);

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ReopenAsync(
        string id, JobControlAction action, HttpContext http, JobControl control, JobDispatcher dispatcher, JobNotifier notifier, PlatformAudit audit,
        CancellationToken cancellationToken)
    {
        Outcome<JobInfo> reopened = await control.ResumeAsync(http.User.RequireUserId(), id, action, cancellationToken);
        if (reopened.IsOk)
        {
            JobInfo job = reopened.Value;
            string actor = PlatformAudit.Actor(http.User);
            string[] subjects = [JobsApi.Subject(job.Id), ProjectsApi.Subject(job.ProjectId)];
            audit.Emit(action == JobControlAction.Resume ? AuditEventTypes.JobResumed : AuditEventTypes.JobRestarted, actor, subjects,
                new Dictionary<string, object> { ["attempt"] = job.Attempt, ["revision"] = job.Revision });
            audit.Emit(AuditEventTypes.JobStateChanged, actor, subjects, new Dictionary<string, object> { ["state"] = JobsApi.StateName(job.State) });
            notifier.Notify(job.Id);
            dispatcher.Wake();
        }
        return ApiResults.From(reopened, job => TypedResults.Ok(ApiViews.Job(job)), http, JobsApi.Subject(id));
    }

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ReviseAsync(
        string id, CreateJobRequest request, HttpContext http, JobService jobs, ProjectService projects, JobControl control, JobNotifier notifier,
        PlatformAudit audit, CancellationToken cancellationToken)
    {
        Guid userId = http.User.RequireUserId();
        // Who may first (the service decides again), so another member learns nothing from the validation of a body.
        Outcome<JobInfo> found = await jobs.GetAsync(userId, id, ProjectPermission.StartJob, cancellationToken);
        if (!found.IsOk)
        {
            return ApiResults.Failure<JobInfo, Ok<JobView>>(found, http, JobsApi.Subject(id));
        }
        if (found.Value.CreatedBy != userId)
        {
            return ApiResults.Deny(http, JobsApi.Subject(id), $"Only the creator of job {found.Value.Id} may revise it.");
        }
        Outcome<ProjectInfo> project = await projects.GetAsync(userId, found.Value.ProjectId, cancellationToken);
        if (!project.IsOk)
        {
            return ApiResults.Failure<ProjectInfo, Ok<JobView>>(project, http, ProjectsApi.Subject(found.Value.ProjectId));
        }
        ImageShape shape = project.Value.InputShape;
        if (JobPlanning.Model(request.Model, [shape.Channels, shape.Height, shape.Width], project.Value.Classes, request.Hiding, out string model) is { } badModel)
        {
            return ApiResults.Invalid(badModel);
        }
        if (JobPlanning.Training(request, out string training) is { } badTraining)
        {
            return ApiResults.Invalid(badTraining);
        }

        Outcome<JobRevision> revised = await control.ReviseAsync(userId, id,
            new JobRequest(found.Value.ProjectId, request.TrainDatasetId ?? "", string.IsNullOrEmpty(request.TestDatasetId) ? null : request.TestDatasetId, model, training,
                request.AdditionalTrainDatasetIds, request.Recipients),
            cancellationToken);
        if (revised.IsOk)
        {
            JobInfo job = revised.Value.Job;
            string actor = PlatformAudit.Actor(http.User);
            List<string> subjects = [JobsApi.Subject(job.Id), ProjectsApi.Subject(job.ProjectId), .. (job.Datasets ?? []).Select(d => DatasetsApi.Subject(d.DatasetId))];
            JobConsentState consent = JobConsentState.Of(job).State!;
            audit.Emit(AuditEventTypes.ConsentRevised, actor, subjects, new Dictionary<string, object>
            {
                ["revision"] = job.Revision,
                ["from"] = JobsApi.StateName(revised.Value.From),
                ["digestBefore"] = revised.Value.DigestBefore is { } before ? Convert.ToHexStringLower(before) : "",
                ["digest"] = Convert.ToHexStringLower(revised.Value.DigestAfter),
            });
            // Who must sign now, as at creation: the owners and recipients see the request in their approvals again.
            audit.Emit(AuditEventTypes.ConsentRequested, actor, subjects, new Dictionary<string, object>
            {
                ["datasets"] = job.Datasets!.Count,
                ["recipients"] = string.Join(',', job.Recipients!.Select(r => r.UserName)),
                ["signers"] = string.Join(',', consent.Required.Select(r => OwnerKeys.Fingerprint(r.Key))),
                ["digest"] = Convert.ToHexStringLower(consent.Digest),
            });
            if (revised.Value.From != job.State)
            {
                audit.Emit(AuditEventTypes.JobStateChanged, actor, subjects, new Dictionary<string, object> { ["state"] = JobsApi.StateName(job.State) });
            }
            notifier.Notify(job.Id);
        }
        return ApiResults.From(revised, change => TypedResults.Ok(ApiViews.Job(change.Job)), http, JobsApi.Subject(id));
    }
}
