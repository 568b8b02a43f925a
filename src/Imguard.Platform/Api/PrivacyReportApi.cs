using Imguard.Contracts.Privacy;
using Imguard.Platform.Privacy;
using Imguard.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Api;

/// <summary>
/// <c>GET /api/privacy-report</c> (signed-in users): how much of a training image one example's gradient gives away
/// under plain training, mixup and InstaHide, measured on public Fashion-MNIST test images (never users' data);
/// 503 with a clear message when the public dataset is not installed on the platform.
/// </summary>
public static class PrivacyReportApi
{
    public static IEndpointRouteBuilder MapPrivacyReportApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGroup("/api/privacy-report").WithTags("Privacy").RequireAuthorization(PlatformAuthentication.UserPolicy)
            .MapGet("/", GetAsync);
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
}
