using System.Text;
using Imguard.Platform.Accounts;
using Imguard.Platform.Security;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Api;

/// <summary>
/// The audit viewer's back end, administrators only: the platform asks the audit server (mutual TLS with its own
/// certificate; the audit server answers only the platform) and passes its JSON answer through unchanged
/// (<c>{records:[…], nextCursor}</c> for records, the verification report for verify). Only the known query
/// parameters are forwarded: eventType, actor, subject, from, to, cursor, limit, newestFirst.
/// </summary>
public static class AuditProxyApi
{
    private static readonly string[] QueryKeys = ["eventType", "actor", "subject", "from", "to", "cursor", "limit", "newestFirst"];

    public static IEndpointRouteBuilder MapAuditProxyApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder audit = routes.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(PlatformAuthentication.UserPolicy);
        audit.MapGet("/records", RecordsAsync);
        audit.MapGet("/verify", VerifyAsync);
        return routes;
    }

    private static Task<Results<ContentHttpResult, Forbidden, ProblemHttpResult>> RecordsAsync(
        HttpContext http, AccountService accounts, ServiceLinks links, CancellationToken cancellationToken)
    {
        var query = new StringBuilder();
        foreach (string key in QueryKeys)
        {
            if (http.Request.Query.TryGetValue(key, out var values) && values.LastOrDefault() is { } value)
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        return ForwardAsync("api/audit/records" + query, http, accounts, links, cancellationToken);
    }

    private static Task<Results<ContentHttpResult, Forbidden, ProblemHttpResult>> VerifyAsync(
        HttpContext http, AccountService accounts, ServiceLinks links, CancellationToken cancellationToken) =>
        ForwardAsync("api/audit/verify", http, accounts, links, cancellationToken);

    private static async Task<Results<ContentHttpResult, Forbidden, ProblemHttpResult>> ForwardAsync(
        string path, HttpContext http, AccountService accounts, ServiceLinks links, CancellationToken cancellationToken)
    {
        Outcome<UserInfo> caller = await accounts.GetUserAsync(http.User.RequireUserId(), cancellationToken);
        if (!caller.IsOk || caller.Value.Role != GlobalRole.Admin || caller.Value.IsDisabled)
        {
            return ApiResults.Deny(http, null, "Only administrators may read the audit log.");
        }

        try
        {
            using HttpResponseMessage response = await links.Audit.GetAsync(path, cancellationToken);
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            string contentType = response.Content.Headers.ContentType?.MediaType ?? "application/json";
            return TypedResults.Content(body, contentType, Encoding.UTF8, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Audit server unavailable",
                detail: "The audit server did not answer; try again later.");
        }
    }
}
