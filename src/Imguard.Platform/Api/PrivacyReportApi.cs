using System.Text.Json;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Privacy;
using Imguard.Platform.Jobs;
using Imguard.Platform.Privacy;
using Imguard.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Api;

/// <summary>
/// <c>GET /api/privacy-report</c> (signed-in users): how much of a training image one example's gradient gives away
/// under plain training, mixup and InstaHide, measured on public Fashion-MNIST test images (never users' data);
/// 503 with a clear message when the public dataset is not installed on the platform. <c>GET /api/jobs/{id}/privacy-report</c>
/// (whoever may read the job): the same attack for that job's model and hiding settings (<see cref="JobPrivacyReports"/>);
/// 422 when the attack does not apply to the job's model or images, with what to run instead.
/// </summary>
public static class PrivacyReportApi
{
    public static IEndpointRouteBuilder MapPrivacyReportApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGroup("/api/privacy-report").WithTags("Privacy").RequireAuthorization(PlatformAuthentication.UserPolicy)
            .MapGet("/", GetAsync);
        routes.MapGroup("/api/jobs").WithTags("Privacy").RequireAuthorization(PlatformAuthentication.UserPolicy)
            .MapGet("/{id}/privacy-report", JobAsync)
            .WithSummary("The gradient-inversion report for this job's model and hiding settings, on public Fashion-MNIST images.");
        return routes;
    }

    private static async Task<Results<Ok<PrivacyReportView>, ProblemHttpResult>> GetAsync(PublicPrivacyReport report, CancellationToken cancellationToken)
    {
        PrivacyReportView? view = await report.GetAsync(cancellationToken);
        return view is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Privacy report unavailable",
                detail: PublicPrivacyReport.UnavailableMessage(report.Directory))
            : TypedResults.Ok(view);
    }

    private static async Task<Results<Results<Ok<JobPrivacyReportView>, ProblemHttpResult>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> JobAsync(
        string id, HttpContext http, JobService jobs, JobPrivacyReports reports, PublicPrivacyReport publicReport, CancellationToken cancellationToken)
    {
        Outcome<JobInfo> job = await jobs.GetAsync(http.User.RequireUserId(), id, cancellationToken);
        if (!job.IsOk)
        {
            return ApiResults.Failure<JobInfo, Results<Ok<JobPrivacyReportView>, ProblemHttpResult>>(job, http, JobsApi.Subject(id));
        }
        if (job.Value.ModelFromJobId is not null)
        {
            return (Results<Ok<JobPrivacyReportView>, ProblemHttpResult>)NotApplicable("An inference job trains nothing: the report of the job that trained the model applies.");
        }
        JobTrainingOptions training = JsonSerializer.Deserialize<JobTrainingOptions>(job.Value.TrainingOptionsJson, JsonSerializerOptions.Web) ?? new JobTrainingOptions();
        var (report, unavailable, notApplicable) = await reports.GetAsync(job.Value.ModelSpecJson, training, cancellationToken);
        if (notApplicable is not null)
        {
            return (Results<Ok<JobPrivacyReportView>, ProblemHttpResult>)NotApplicable(notApplicable);
        }
        if (report is null)
        {
            return (Results<Ok<JobPrivacyReportView>, ProblemHttpResult>)TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Privacy report unavailable", detail: unavailable ?? PublicPrivacyReport.UnavailableMessage(publicReport.Directory));
        }
        string row = training.Hiding switch { HidingModes.Mixup => "mixup", HidingModes.InstaHide => "instahide", _ => "raw" };
        return (Results<Ok<JobPrivacyReportView>, ProblemHttpResult>)TypedResults.Ok(new JobPrivacyReportView(job.Value.Id, training.Hiding, training.K, row, report));
    }

    private static ProblemHttpResult NotApplicable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The attack does not apply to this job", detail: detail);
}
