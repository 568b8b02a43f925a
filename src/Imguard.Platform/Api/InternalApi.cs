using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Api;

/// <summary>
/// Endpoints for the compute parties only: the caller must present a party certificate from the deployment CA
/// (checked in the TLS handshake and by <see cref="ServiceRoleFilter"/> before the body is read; anyone else gets
/// 403 and an <c>access.denied</c> event, from <see cref="Security.ServiceRoleRefusalAudit"/>), and the party id is the certificate's, never a field of the request. A party reports
/// the half it received (which makes a dataset Ready or Rejected), reads what it checks an upload against, and
/// reports a job's state, progress and log lines.
/// </summary>
public static class InternalApi
{
    public static IEndpointRouteBuilder MapInternalApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        // Refusals of the role check are audited by ServiceRoleRefusalAudit: the check runs before the endpoint.
        RouteGroupBuilder parties = routes.MapGroup("/internal").WithTags("Internal (parties)").ExcludeFromDescription()
            .RequireServiceRole(ServiceRole.Party0, ServiceRole.Party1);
        parties.MapGet("/datasets/{id}", GetDatasetAsync);
        parties.MapPost("/datasets/{id}/halves", ReportHalfAsync);
        parties.MapGet("/jobs/{id}", GetJobAsync);
        parties.MapPost("/jobs/{id}/state", TransitionAsync);
        parties.MapPost("/jobs/{id}/progress", ProgressAsync);
        parties.MapPost("/jobs/{id}/log", LogAsync);
        return routes;
    }

    private static int PartyId(HttpContext http) => ServiceRoles.PartyId(http.CallerRole())!.Value;

    // What a party checks an upload against: metadata only (the status by its name, e.g. "Registered").
    private static PartyDatasetView ToPartyView(DatasetInfo d) =>
        new(d.Id, d.Status.ToString(), d.Shape.Channels, d.Shape.Height, d.Shape.Width, d.Classes, d.Count, d.FractionalBits);

    private static async Task<Results<Ok<PartyDatasetView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> GetDatasetAsync(
        string id, HttpContext http, DatasetRegistry registry, CancellationToken cancellationToken)
    {
        int party = PartyId(http);
        return ApiResults.From(await registry.GetForPartyAsync(id, cancellationToken), dataset => TypedResults.Ok(ToPartyView(dataset)), http);
    }

    private static async Task<Results<Ok<PartyDatasetView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ReportHalfAsync(
        string id, HalfReport request, HttpContext http, DatasetRegistry registry, DatasetHalfReports reports, PlatformAudit audit, CancellationToken cancellationToken)
    {
        int party = PartyId(http);
        if (request.Count is < 0 or > int.MaxValue)
        {
            return ApiResults.Invalid($"A count is 0 to {int.MaxValue}.");
        }

        byte[]? ownerKey = null;
        if (request.OwnerKey is { } encoded && (ownerKey = ApiInput.Base64(encoded, OwnerKeys.MaxEncodedLength)) is null)
        {
            return ApiResults.Invalid("The owner key is a base64 SubjectPublicKeyInfo.");
        }

        Outcome<DatasetInfo> before = await registry.GetForPartyAsync(id, cancellationToken);
        Outcome<DatasetInfo> reported = await reports.ReportHalfAsync(id, party, new ImageShape(request.Channels, request.Height, request.Width),
            (int)request.Count, request.Classes, request.Digest ?? "", ownerKey, cancellationToken);
        if (reported.IsOk && before.IsOk && before.Value.Status != reported.Value.Status)
        {
            DatasetInfo dataset = reported.Value;
            string[] subjects = [DatasetsApi.Subject(dataset.Id), ProjectsApi.Subject(dataset.ProjectId)];
            if (dataset.Status == DatasetStatus.Ready)
            {
                audit.Emit(AuditEventTypes.DatasetReady, PlatformAudit.Party(party), subjects, new Dictionary<string, object> { ["count"] = dataset.Count });
            }
            else if (dataset.Status == DatasetStatus.Rejected)
            {
                string reason = dataset.RejectionReason ?? "";
                audit.Emit(AuditEventTypes.DatasetRejected, PlatformAudit.Party(party), subjects, new Dictionary<string, object>
                {
                    ["party"] = party,
                    ["reason"] = reason.Length <= 200 ? reason : reason[..200],
                });
            }
        }

        return ApiResults.From(reported, dataset => TypedResults.Ok(ToPartyView(dataset)), http);
    }

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> GetJobAsync(
        string id, HttpContext http, JobService jobs, CancellationToken cancellationToken) =>
        ApiResults.From(await jobs.GetForServiceAsync(id, cancellationToken), job => TypedResults.Ok(ApiViews.Job(job)), http);

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> TransitionAsync(
        string id, JobStateReport request, HttpContext http, JobService jobs, JobNotifier notifier, PlatformAudit audit, CancellationToken cancellationToken)
    {
        int party = PartyId(http);
        Outcome<JobStateChange> moved = await jobs.ReportStateAsync(id, request.State, request.Message, request.Resume, cancellationToken);
        if (moved is { IsOk: true, Value.Changed: true })
        {
            JobInfo job = moved.Value.Job;
            audit.Emit(AuditEventTypes.JobStateChanged, PlatformAudit.Party(party), [JobsApi.Subject(job.Id), ProjectsApi.Subject(job.ProjectId)],
                new Dictionary<string, object> { ["state"] = JobsApi.StateName(job.State), ["resume"] = request.Resume });
            notifier.Notify(job.Id);
        }

        return ApiResults.From(moved, change => TypedResults.Ok(ApiViews.Job(change.Job)), http);
    }

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ProgressAsync(
        string id, JobProgressReport request, HttpContext http, JobService jobs, JobNotifier notifier, CancellationToken cancellationToken)
    {
        var metrics = new Dictionary<string, double>();
        foreach (var (name, value) in new[] { ("imagesPerSecond", request.ImagesPerSecond), ("loss", request.Loss), ("accuracy", request.Accuracy) })
        {
            if (value is { } v)
            {
                if (!double.IsFinite(v))
                {
                    return ApiResults.Invalid($"{name} must be a finite number.");
                }

                metrics[name] = v;
            }
        }

        string? metricsJson = metrics.Count == 0 ? null : JsonSerializer.Serialize(metrics);
        Outcome<JobInfo> reported = await jobs.ReportProgressAsync(id,
            new JobProgress(request.Epoch, request.Step, request.TotalSteps, metricsJson, request.CheckpointEpoch, request.ResumedFromEpoch, request.EpochSeconds,
                request.Standardization),
            cancellationToken);
        if (reported.IsOk)
        {
            notifier.Notify(reported.Value.Id);
        }

        return ApiResults.From(reported, job => TypedResults.Ok(ApiViews.Job(job)), http);
    }

    private static async Task<Results<Ok<JobLogEntryView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> LogAsync(
        string id, JobLogReport request, HttpContext http, JobService jobs, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Message))
        {
            return ApiResults.Invalid("A log entry needs a message.");
        }

        Outcome<JobLogEntry> appended = await jobs.AppendLogAsync(id, request.Level, $"party {PartyId(http)}: {request.Message}", request.Time, cancellationToken);
        return ApiResults.From(appended, entry => TypedResults.Ok(ApiViews.LogEntry(entry)), http);
    }
}
