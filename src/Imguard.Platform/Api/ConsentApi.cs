using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Platform.Accounts;
using Imguard.Platform.Jobs;
using Imguard.Platform.Privacy;
using Imguard.Platform.Security;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Api;

/// <summary>
/// Consent to training jobs: a user's signing key (<c>/api/me/signing-key</c>), a job's consent terms, approvals,
/// declines and withdrawals (<c>/api/jobs/{id}/…</c>), and the jobs a user still has to sign (<c>/api/me/approvals</c>).
/// The platform stores and shows; it cannot sign. Each party verifies every signature again before it trains.
/// </summary>
public static class ConsentApi
{
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder me = routes.MapGroup("/api/me").WithTags("Consent").RequireAuthorization(PlatformAuthentication.UserPolicy);
        me.MapPut("/signing-key", RegisterKeyAsync)
            .WithSummary("Registers or replaces the caller's signing key (the public half of the key their device made).")
            .WithDescription("The key is named as the caller's when a job lists them as a recipient of its model; a job keeps the key it was created with.");
        me.MapGet("/signing-key", GetKeyAsync).WithSummary("The caller's registered signing key; 404 when none.");
        me.MapGet("/approvals", PendingAsync).WithSummary("Jobs waiting for a signature by one of the caller's keys (an owner key of theirs, their recipient key), oldest first.");

        RouteGroupBuilder jobs = routes.MapGroup("/api/jobs").WithTags("Consent").RequireAuthorization(PlatformAuthentication.UserPolicy);
        jobs.MapGet("/{id}/consent", TermsAsync)
            .WithSummary("A training job's consent terms as its approvers sign them, and which keys have signed.")
            .WithDescription("View right. The approver's client rebuilds the terms from these fields and signs the SHA-256 it computes itself; `digest` is for comparison only.");
        jobs.MapPost("/{id}/approve", ApproveAsync)
            .WithSummary("Stores a signature over the job's consent terms by a key the terms require and the caller holds; queues the job when none is missing.");
        jobs.MapPost("/{id}/decline", DeclineAsync).WithSummary("A dataset owner or recipient declines: the job becomes Declined (final).");
        jobs.MapPost("/{id}/withdraw", WithdrawAsync)
            .WithSummary("Withdraws the caller's approvals while the job waits or is queued and not yet handed to the parties; a queued job waits again.");
        return routes;
    }

    private static async Task<Results<Ok<SigningKeyView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RegisterKeyAsync(
        SigningKeyRequest request, HttpContext http, SigningKeys keys, PlatformAudit audit, CancellationToken cancellationToken)
    {
        if (ApiInput.Base64(request?.Key, OwnerKeys.MaxEncodedLength) is not { } key)
        {
            return ApiResults.Invalid("The key is a base64 SubjectPublicKeyInfo of an ECDSA P-256 public key.");
        }
        Outcome<SigningKeyInfo> registered = await keys.RegisterAsync(http.User.RequireUserId(), key, cancellationToken);
        if (registered.IsOk)
        {
            audit.Emit(AuditEventTypes.SigningKeyRegistered, PlatformAudit.Actor(http.User), null,
                new Dictionary<string, object> { ["fingerprint"] = OwnerKeys.Fingerprint(key) });
        }
        return ApiResults.From(registered, k => TypedResults.Ok(ApiViews.SigningKey(k)), http);
    }

    private static async Task<Results<Ok<SigningKeyView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> GetKeyAsync(
        HttpContext http, SigningKeys keys, CancellationToken cancellationToken) =>
        ApiResults.From(await keys.GetAsync(http.User.RequireUserId(), cancellationToken), k => TypedResults.Ok(ApiViews.SigningKey(k)), http);

    private static async Task<Ok<IReadOnlyList<JobView>>> PendingAsync(HttpContext http, JobConsents consents, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<JobView>>([.. (await consents.PendingAsync(http.User.RequireUserId(), cancellationToken)).Select(ApiViews.Job)]);

    private static async Task<Results<Ok<ConsentTermsView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> TermsAsync(
        string id, HttpContext http, JobConsents consents, PublicPrivacyReport privacy, CancellationToken cancellationToken) =>
        ApiResults.From(await consents.GetTermsAsync(http.User.RequireUserId(), id, cancellationToken),
            found => TypedResults.Ok(ApiViews.Consent(found.Job, found.State, Hiding(found.Job, privacy))), http, JobsApi.Subject(id));

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ApproveAsync(
        string id, ApproveJobRequest request, HttpContext http, JobConsents consents, JobDispatcher dispatcher, JobNotifier notifier, PlatformAudit audit,
        CancellationToken cancellationToken)
    {
        byte[]? key = ApiInput.Base64(request?.Key, OwnerKeys.MaxEncodedLength);
        byte[]? signature = ApiInput.Base64(request?.Signature, ConsentSignature.Length);
        if (key is null || signature is null)
        {
            return ApiResults.Invalid($"An approval is a key (base64 SubjectPublicKeyInfo) and a signature (base64 r ‖ s, {ConsentSignature.Length} bytes).");
        }
        Outcome<ConsentChange> approved = await consents.ApproveAsync(http.User.RequireUserId(), id, key, signature, cancellationToken);
        if (approved.IsOk)
        {
            JobInfo job = approved.Value.Job;
            string actor = PlatformAudit.Actor(http.User);
            audit.Emit(AuditEventTypes.ConsentApproved, actor, [JobsApi.Subject(job.Id), ProjectsApi.Subject(job.ProjectId)],
                new Dictionary<string, object> { ["fingerprint"] = approved.Value.Fingerprints[0], ["complete"] = approved.Value.StateChanged });
            Changed(approved.Value, actor, audit, notifier);
            if (approved.Value.StateChanged)
            {
                dispatcher.Wake();
            }
        }
        return ApiResults.From(approved, change => TypedResults.Ok(ApiViews.Job(change.Job)), http, JobsApi.Subject(id));
    }

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> DeclineAsync(
        string id, DeclineJobRequest? request, HttpContext http, JobConsents consents, JobNotifier notifier, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<ConsentChange> declined = await consents.DeclineAsync(http.User.RequireUserId(), id, request?.Reason, cancellationToken);
        if (declined.IsOk)
        {
            JobInfo job = declined.Value.Job;
            string actor = PlatformAudit.Actor(http.User);
            audit.Emit(AuditEventTypes.ConsentDeclined, actor, [JobsApi.Subject(job.Id), ProjectsApi.Subject(job.ProjectId)],
                new Dictionary<string, object> { ["fingerprints"] = string.Join(',', declined.Value.Fingerprints), ["reasonGiven"] = !string.IsNullOrWhiteSpace(request?.Reason) });
            Changed(declined.Value, actor, audit, notifier);
        }
        return ApiResults.From(declined, change => TypedResults.Ok(ApiViews.Job(change.Job)), http, JobsApi.Subject(id));
    }

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> WithdrawAsync(
        string id, HttpContext http, JobConsents consents, JobNotifier notifier, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<ConsentChange> withdrawn = await consents.WithdrawAsync(http.User.RequireUserId(), id, cancellationToken);
        if (withdrawn.IsOk)
        {
            JobInfo job = withdrawn.Value.Job;
            string actor = PlatformAudit.Actor(http.User);
            audit.Emit(AuditEventTypes.ConsentWithdrawn, actor, [JobsApi.Subject(job.Id), ProjectsApi.Subject(job.ProjectId)],
                new Dictionary<string, object> { ["fingerprints"] = string.Join(',', withdrawn.Value.Fingerprints) });
            Changed(withdrawn.Value, actor, audit, notifier);
        }
        return ApiResults.From(withdrawn, change => TypedResults.Ok(ApiViews.Job(change.Job)), http, JobsApi.Subject(id));
    }

    // A state the consent moved the job to is a job.state_changed as any other, and wakes the job's event streams.
    private static void Changed(ConsentChange change, string actor, PlatformAudit audit, JobNotifier notifier)
    {
        if (change.StateChanged)
        {
            audit.Emit(AuditEventTypes.JobStateChanged, actor, [JobsApi.Subject(change.Job.Id), ProjectsApi.Subject(change.Job.ProjectId)],
                new Dictionary<string, object> { ["state"] = JobsApi.StateName(change.Job.State) });
        }
        notifier.Notify(change.Job.Id);
    }

    private static string Hiding(JobInfo job, PublicPrivacyReport privacy)
    {
        JobTrainingOptions training = JsonSerializer.Deserialize<JobTrainingOptions>(job.TrainingOptionsJson, JsonSerializerOptions.Web) ?? new JobTrainingOptions();
        return HidingSummaries.For(training.Hiding, training.K, privacy.Completed());
    }
}
