using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Dealer.Planning;
using Imguard.Learning.Training;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;
using Imguard.Platform.Security;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Imguard.Platform.Api;

/// <summary>
/// Training jobs: owners start and cancel them, members watch them (state, progress, log, and a Server-Sent Events
/// stream), and only the owner of a succeeded job gets grants to download the model's two shares. A training job
/// waits in <c>awaitingApproval</c> until every dataset owner and recipient signed (<see cref="ConsentApi"/>), then in
/// <c>queued</c> until a runner takes it; the runner and the parties report through <see cref="InternalApi"/>.
/// </summary>
public static class JobsApi
{
    /// <summary>The SSE event type sent first and whenever the state (or the cancel flag) changes.</summary>
    public const string StateEvent = "state";

    /// <summary>The SSE event type sent when epoch, step, metrics or checkpoint change.</summary>
    public const string ProgressEvent = "progress";

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder inProject = routes.MapGroup("/api/projects/{projectId:guid}/jobs").WithTags("Jobs")
            .RequireAuthorization(PlatformAuthentication.UserPolicy);
        inProject.MapGet("/", ListAsync);
        inProject.MapPost("/", CreateAsync);
        inProject.MapPost("/estimate", EstimateAsync).RequireRateLimiting(PlatformRateLimiting.Grants).ProducesProblem(StatusCodes.Status429TooManyRequests);
        inProject.MapPost("/expected-accuracy", ExpectedAccuracyAsync);

        RouteGroupBuilder jobs = routes.MapGroup("/api/jobs").WithTags("Jobs").RequireAuthorization(PlatformAuthentication.UserPolicy);
        jobs.MapGet("/{id}", GetAsync);
        jobs.MapPost("/{id}/cancel", CancelAsync);
        jobs.MapPost("/{id}/inference", CreateInferenceAsync);
        jobs.MapGet("/{id}/log", LogAsync);
        jobs.MapGet("/{id}/progress", ProgressAsync)
            .WithSummary("A job's stored progress: its points and per-epoch rows, for running and finished jobs alike.")
            .WithDescription("View right. `after`: the id of the last point the client holds (0: from the start); `limit`: 1 to 10,000 points "
                + "(default 10,000: a job keeps at most that many, so one page holds every point after any id). Points come oldest first. A job "
                + "keeps one point per slot of `stride` steps, the latest; a point replaces every point the client holds in its slot or later "
                + "(`slot = max(1, ceil(step / stride))`), so the steps a resumed attempt ran again replace the interrupted run's. `epochs` is "
                + "every epoch row (1-based). `now` is the platform's clock. The SSE stream (`/events`) says when to ask again.");
        jobs.MapGet("/{id}/events", EventsAsync);
        jobs.MapPost("/{id}/model-grants", ModelGrantsAsync).RequireRateLimiting(PlatformRateLimiting.Grants).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<JobView>>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ListAsync(
        Guid projectId, HttpContext http, JobService jobs, CancellationToken cancellationToken) =>
        ApiResults.From(await jobs.ListAsync(http.User.RequireUserId(), projectId, cancellationToken),
            list => TypedResults.Ok<IReadOnlyList<JobView>>([.. list.Select(ApiViews.Job)]), http, ProjectsApi.Subject(projectId));

    private static async Task<Results<Created<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> CreateAsync(
        Guid projectId, CreateJobRequest request, HttpContext http, ProjectService projects, JobService jobs, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Guid userId = http.User.RequireUserId();
        Outcome<ProjectInfo> project = await projects.GetAsync(userId, projectId, cancellationToken);
        if (!project.IsOk)
        {
            return ApiResults.Failure<ProjectInfo, Created<JobView>>(project, http, ProjectsApi.Subject(projectId));
        }

        // The right first (the same matrix the service applies again), so a viewer learns nothing from validation.
        ProjectRole? role = project.Value.CallerRole;
        if (role is null || !ProjectAccess.Grants(role.Value, ProjectPermission.StartJob))
        {
            return ApiResults.Deny(http, ProjectsApi.Subject(projectId),
                role is { } r ? $"A project {r} may not start jobs." : "Administrators see other projects' metadata only; they may not start jobs.");
        }

        if (JobPlanning.Model(request.Model, Input(project.Value), project.Value.Classes, request.Hiding, out string model) is { } badModel)
        {
            return ApiResults.Invalid(badModel);
        }

        if (JobPlanning.Training(request, out string training) is { } badTraining)
        {
            return ApiResults.Invalid(badTraining);
        }

        Outcome<JobInfo> created = await jobs.CreateAsync(userId,
            new JobRequest(projectId, request.TrainDatasetId ?? "", string.IsNullOrEmpty(request.TestDatasetId) ? null : request.TestDatasetId, model, training,
                request.AdditionalTrainDatasetIds, request.Recipients),
            cancellationToken);
        if (created.IsOk)
        {
            JobInfo job = created.Value;
            List<string> subjects = [Subject(job.Id), ProjectsApi.Subject(projectId), .. (job.Datasets ?? []).Select(d => DatasetsApi.Subject(d.DatasetId))];

            audit.Emit(AuditEventTypes.JobCreated, PlatformAudit.Actor(http.User), subjects, new Dictionary<string, object>
            {
                ["epochs"] = request.Epochs,
                ["batchSize"] = request.BatchSize,
                ["hiding"] = (request.Hiding ?? JobPlanning.DefaultHiding).ToLowerInvariant(),
                ["k"] = request.K,
                ["revealLoss"] = request.RevealLoss,
                ["testEncodings"] = request.TestEncodings,
                ["standardization"] = job.Standardization?.Mode ?? JobStandardizationModes.AsShared,
            });
            if (JobConsentState.Of(job).State is { } consent)
            {
                // Who must sign, by key fingerprint: the owners and recipients see the request in their approvals.
                audit.Emit(AuditEventTypes.ConsentRequested, PlatformAudit.Actor(http.User), subjects, new Dictionary<string, object>
                {
                    ["datasets"] = job.Datasets!.Count,
                    ["recipients"] = string.Join(',', job.Recipients!.Select(r => r.UserName)),
                    ["signers"] = string.Join(',', consent.Required.Select(r => OwnerKeys.Fingerprint(r.Key))),
                    ["digest"] = Convert.ToHexStringLower(consent.Digest),
                });
            }
        }

        return ApiResults.From(created, job => TypedResults.Created($"/api/jobs/{job.Id}", ApiViews.Job(job)), http, ProjectsApi.Subject(projectId));
    }

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> GetAsync(
        string id, HttpContext http, JobService jobs, CancellationToken cancellationToken) =>
        ApiResults.From(await jobs.GetAsync(http.User.RequireUserId(), id, cancellationToken), job => TypedResults.Ok(ApiViews.Job(job)), http, Subject(id));

    /// <summary>
    /// What a job would cost before it is started: dealer bytes to each party, peer rounds and bytes per step, and a
    /// measured step time (two secure steps of the model on random shares of one batch, here); and the test accuracy
    /// its settings can be expected to give (<see cref="AccuracyTable"/>). Members may ask.
    /// </summary>
    private static async Task<Results<Ok<JobEstimate>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> EstimateAsync(
        Guid projectId, CreateJobRequest request, HttpContext http, ProjectService projects, DatasetRegistry datasets, CancellationToken cancellationToken)
    {
        var planned = await PlanAsync<Ok<JobEstimate>>(projectId, request, http, projects, datasets, cancellationToken);
        if (planned.Refusal is { } refusal)
        {
            return refusal;
        }
        var (description, trainCount, testCount) = planned.Plan!.Value;
        JobEstimate estimate = await JobCostEstimator.EstimateAsync(description, trainCount, testCount, cancellationToken);
        return TypedResults.Ok(estimate with { ExpectedAccuracy = Expected(description, trainCount) });
    }

    /// <summary>
    /// Only the test accuracy a job's settings can be expected to give (a look-up in the measured table, no secure
    /// step): what the web form shows live as its settings change. The estimate carries the same.
    /// </summary>
    private static async Task<Results<Ok<ExpectedAccuracy>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ExpectedAccuracyAsync(
        Guid projectId, CreateJobRequest request, HttpContext http, ProjectService projects, DatasetRegistry datasets, CancellationToken cancellationToken)
    {
        var planned = await PlanAsync<Ok<ExpectedAccuracy>>(projectId, request, http, projects, datasets, cancellationToken);
        if (planned.Refusal is { } refusal)
        {
            return refusal;
        }
        var (description, trainCount, _) = planned.Plan!.Value;
        return TypedResults.Ok(Expected(description, trainCount));
    }

    private static ExpectedAccuracy Expected(JobDescription description, int trainCount) =>
        AccuracyTable.Measured.Expect(description, trainCount);

    /// <summary>The job a request describes, checked as a creation checks it, with its datasets' sizes; or the refusal.</summary>
    private static async Task<(Results<TOk, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>? Refusal,
        (JobDescription Description, int TrainCount, int TestCount)? Plan)> PlanAsync<TOk>(
        Guid projectId, CreateJobRequest request, HttpContext http, ProjectService projects, DatasetRegistry datasets, CancellationToken cancellationToken)
        where TOk : IResult
    {
        Guid userId = http.User.RequireUserId();
        Outcome<ProjectInfo> project = await projects.GetAsync(userId, projectId, cancellationToken);
        if (!project.IsOk)
        {
            return (ApiResults.Failure<ProjectInfo, TOk>(project, http, ProjectsApi.Subject(projectId)), null);
        }
        if (JobPlanning.Model(request.Model, Input(project.Value), project.Value.Classes, request.Hiding, out string model) is { } badModel)
        {
            return (ApiResults.Invalid(badModel), null);
        }
        if (JobPlanning.Training(request, out string training) is { } badTraining)
        {
            return (ApiResults.Invalid(badTraining), null);
        }
        Outcome<DatasetInfo> train = await datasets.GetAsync(userId, request.TrainDatasetId ?? "", cancellationToken);
        if (!train.IsOk || train.Value.ProjectId != projectId)
        {
            return (ApiResults.Invalid("The train dataset is not a dataset of this project."), null);
        }
        // A job over several owners' datasets trains on their union: the estimate counts every training dataset.
        int trainCount = train.Value.Count;
        foreach (string further in request.AdditionalTrainDatasetIds ?? [])
        {
            Outcome<DatasetInfo> other = await datasets.GetAsync(userId, further ?? "", cancellationToken);
            if (!other.IsOk || other.Value.ProjectId != projectId || other.Value.Purpose != DatasetPurpose.Train)
            {
                return (ApiResults.Invalid("A further training dataset is not a training dataset of this project."), null);
            }
            trainCount += other.Value.Count;
        }
        var description = new JobDescription
        {
            JobId = "estimate",
            ProjectId = projectId.ToString(),
            TrainDatasetId = train.Value.Id,
            ModelSpecJson = model,
            Training = JsonSerializer.Deserialize<JobTrainingOptions>(training, JsonSerializerOptions.Web)!,
            FractionalBits = train.Value.FractionalBits,
            ComparisonBits = request.ComparisonBits,
        };
        int testCount = 0;
        if (!string.IsNullOrEmpty(request.TestDatasetId))
        {
            Outcome<DatasetInfo> test = await datasets.GetAsync(userId, request.TestDatasetId, cancellationToken);
            if (!test.IsOk || test.Value.ProjectId != projectId)
            {
                return (ApiResults.Invalid("The test dataset is not a dataset of this project."), null);
            }
            testCount = test.Value.Count;
        }
        return (null, (description, trainCount, testCount));
    }

    private static async Task<Results<Created<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> CreateInferenceAsync(
        string id, CreateInferenceRequest request, HttpContext http, JobService jobs, JobDispatcher dispatcher, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<JobInfo> created = await jobs.CreateInferenceAsync(http.User.RequireUserId(), id, request?.DatasetId ?? "", cancellationToken);
        if (created.IsOk)
        {
            JobInfo job = created.Value;
            audit.Emit(AuditEventTypes.JobCreated, PlatformAudit.Actor(http.User),
                [Subject(job.Id), Subject(id), ProjectsApi.Subject(job.ProjectId), DatasetsApi.Subject(job.TrainDatasetId)],
                new Dictionary<string, object> { ["kind"] = "inference" });
            dispatcher.Wake();
        }
        return ApiResults.From(created, job => TypedResults.Created($"/api/jobs/{job.Id}", ApiViews.Job(job)), http, Subject(id));
    }

    private static async Task<Results<Ok<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> CancelAsync(
        string id, HttpContext http, JobService jobs, JobNotifier notifier, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<JobInfo> cancelled = await jobs.RequestCancelAsync(http.User.RequireUserId(), id, cancellationToken);
        if (cancelled.IsOk)
        {
            JobInfo job = cancelled.Value;
            string actor = PlatformAudit.Actor(http.User);
            audit.Emit(AuditEventTypes.JobCancelRequested, actor, [Subject(job.Id), ProjectsApi.Subject(job.ProjectId)]);
            if (job.State == JobState.Cancelled)
            {
                audit.Emit(AuditEventTypes.JobStateChanged, actor, [Subject(job.Id), ProjectsApi.Subject(job.ProjectId)],
                    new Dictionary<string, object> { ["state"] = StateName(job.State) });
            }

            notifier.Notify(job.Id);
        }

        return ApiResults.From(cancelled, job => TypedResults.Ok(ApiViews.Job(job)), http, Subject(id));
    }

    private static async Task<Results<Ok<IReadOnlyList<JobLogEntryView>>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> LogAsync(
        string id, HttpContext http, JobService jobs, CancellationToken cancellationToken, long after = 0, int limit = 200) =>
        ApiResults.From(await jobs.GetLogAsync(http.User.RequireUserId(), id, after, limit, cancellationToken),
            entries => TypedResults.Ok<IReadOnlyList<JobLogEntryView>>([.. entries.Select(ApiViews.LogEntry)]), http, Subject(id));

    /// <summary>
    /// The job's stored progress after point <paramref name="after"/>: a page reloaded after the job finished draws
    /// the same history it drew live (see <see cref="JobProgressView"/>).
    /// </summary>
    private static async Task<Results<Ok<JobProgressView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ProgressAsync(
        string id, HttpContext http, JobService jobs, CancellationToken cancellationToken, long after = 0, int limit = JobService.MaxProgressPoints) =>
        ApiResults.From(await jobs.GetProgressAsync(http.User.RequireUserId(), id, after, limit, cancellationToken),
            history => TypedResults.Ok(ApiViews.Progress(id, history)), http, Subject(id));

    /// <summary>
    /// <c>text/event-stream</c>: first a <c>state</c> event with the job as it is, then a <c>state</c> event at each
    /// state change and a <c>progress</c> event at each progress report; every event's data is the whole job (as
    /// <c>GET /api/jobs/{id}</c>) and its id counts up from 1. The stream ends after the event that shows a final
    /// state, when the caller loses access to the job, or when the client goes away. While no event is due, a
    /// <c>: keep-alive</c> comment goes out every <see cref="PlatformOptions.JobEventHeartbeatInterval"/>.
    /// </summary>
    private static async Task<Results<HeartbeatServerSentEventsResult<JobView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> EventsAsync(
        string id, HttpContext http, JobService jobs, JobNotifier notifier, PlatformOptions options, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        Guid userId = http.User.RequireUserId();
        Outcome<JobInfo> job = await jobs.GetAsync(userId, id, cancellationToken);
        // A stream ends when its client leaves or when the platform stops (so shutdown does not wait for open streams).
        var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        http.Response.RegisterForDispose(ended);
        return ApiResults.From(job, first => new HeartbeatServerSentEventsResult<JobView>(
            StreamAsync(first, notifier.NextChange(first.Id), userId, jobs, notifier, options.JobEventPollInterval, ended.Token),
            options.JobEventHeartbeatInterval), http, Subject(id));
    }

    private static async IAsyncEnumerable<SseItem<JobView>> StreamAsync(JobInfo first, Task change, Guid userId, JobService jobs, JobNotifier notifier,
        TimeSpan poll, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long sequence = 0;
        JobInfo last = first;
        yield return Event(StateEvent, last, ++sequence);
        while (!JobStateMachine.IsFinal(last.State))
        {
            if (!await WaitAsync(change, poll, cancellationToken))
            {
                yield break;
            }

            change = notifier.NextChange(last.Id); // before the read: a change after it wakes the next wait
            JobInfo? now = await ReadAsync(jobs, userId, last.Id, cancellationToken);
            if (now is null)
            {
                yield break;
            }

            if (now.State != last.State || now.CancelRequested != last.CancelRequested)
            {
                yield return Event(StateEvent, now, ++sequence);
            }
            else if (now.Epoch != last.Epoch || now.Step != last.Step || now.TotalSteps != last.TotalSteps
                     || now.MetricsJson != last.MetricsJson || now.LastCheckpointEpoch != last.LastCheckpointEpoch
                     || now.ResumedFromEpoch != last.ResumedFromEpoch)
            {
                yield return Event(ProgressEvent, now, ++sequence);
            }

            last = now;
        }
    }

    private static SseItem<JobView> Event(string type, JobInfo job, long sequence) =>
        new(ApiViews.Job(job), type) { EventId = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    // False when the client went away.
    private static async Task<bool> WaitAsync(Task change, TimeSpan poll, CancellationToken cancellationToken)
    {
        try
        {
            await change.WaitAsync(poll, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    // Null when the job is gone from the caller's view or the client went away.
    private static async Task<JobInfo?> ReadAsync(JobService jobs, Guid userId, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            Outcome<JobInfo> now = await jobs.GetAsync(userId, jobId, cancellationToken);
            return now.IsOk ? now.Value : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<Results<Ok<ModelDownloadView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ModelGrantsAsync(
        string id, HttpContext http, JobService jobs, GrantIssuer grants, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Guid userId = http.User.RequireUserId();
        Outcome<JobInfo> found = await jobs.GetAsync(userId, id, ProjectPermission.DownloadModel, cancellationToken);
        if (found.Status == OutcomeStatus.Forbidden
            && await jobs.GetAsync(userId, id, ProjectPermission.View, cancellationToken) is { IsOk: true, Value: var viewed } && IsParticipant(viewed, userId))
        {
            // A model recipient or a test set's owner who is not a project owner (another owner in a multi-owner job): the
            // grant lets them ask the parties, and each party releases only what their key is entitled to — the model to
            // a recipient's key, the evaluation to the test set owner's key (ModelRelease at the party).
            found = viewed;
        }
        if (!found.IsOk)
        {
            return ApiResults.Failure<JobInfo, Ok<ModelDownloadView>>(found, http, Subject(id));
        }

        JobInfo job = found.Value;
        if (job.State != JobState.Succeeded)
        {
            return TypedResults.Conflict(ApiResults.Problem(StatusCodes.Status409Conflict, "Conflict",
                $"Job {job.Id} is {StateName(job.State)}; a model can be downloaded only after the job succeeded."));
        }

        IReadOnlyList<GrantView> downloads = grants.ModelDownloads(job.ProjectId, job.Id, http.User.RequireUserName());
        audit.Emit(AuditEventTypes.GrantIssued, PlatformAudit.Actor(http.User), [Subject(job.Id), ProjectsApi.Subject(job.ProjectId)], new Dictionary<string, object>
        {
            ["purpose"] = "downloadModel",
            ["parties"] = downloads.Count,
            ["expiresAt"] = downloads[0].ExpiresAt.ToString("O"),
        });
        return TypedResults.Ok(new ModelDownloadView(job.Id, downloads));
    }

    /// <summary>Whether <paramref name="userId"/> receives the job's model or owns its test set.</summary>
    private static bool IsParticipant(JobInfo job, Guid userId) =>
        (job.Recipients ?? []).Any(r => r.UserId == userId)
        || (job.Datasets ?? []).Any(d => d.Purpose == DatasetPurpose.Test && d.OwnerId == userId);

    private static int[] Input(ProjectInfo project) => [project.InputShape.Channels, project.InputShape.Height, project.InputShape.Width];

    internal static string Subject(string jobId) => "job:" + (jobId.Length <= 64 ? jobId : jobId[..64]);

    internal static string StateName(JobState state) => state.ToString().ToLowerInvariant();
}
