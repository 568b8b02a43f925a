using System.Globalization;
using System.Text;
using Imguard.Contracts.Accounts;
using Imguard.Contracts.Audit;
using Imguard.Platform.Accounts;
using Imguard.Platform.AuditCopies;
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
/// parameters are forwarded: eventType, actor, subject, from, to, cursor, limit, newestFirst. Verify also sends the
/// platform's newest copies of signed checkpoints as anchors (<c>expect=SEQ:HASH</c>), so a log cut back or rewritten
/// together with its checkpoints is reported. <c>GET /api/audit/checkpoints?after=&amp;limit=</c> serves those copies
/// (after copying any new ones): what <c>imguard audit checkpoints</c> exports for <c>imguard audit verify</c>.
/// </summary>
public static class AuditProxyApi
{
    /// <summary>How many of the newest checkpoint copies the platform's verify sends as anchors (they fit in one URL).</summary>
    public const int VerifyAnchors = 50;

    private static readonly string[] QueryKeys = ["eventType", "actor", "subject", "from", "to", "cursor", "limit", "newestFirst"];

    public static IEndpointRouteBuilder MapAuditProxyApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder audit = routes.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(PlatformAuthentication.UserPolicy);
        audit.MapGet("/records", RecordsAsync);
        audit.MapGet("/verify", VerifyAsync);
        audit.MapGet("/checkpoints", CheckpointsAsync);
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

    private static async Task<Results<ContentHttpResult, Forbidden, ProblemHttpResult>> VerifyAsync(
        HttpContext http, AccountService accounts, ServiceLinks links, AuditCheckpointCopies copies, CancellationToken cancellationToken)
    {
        // The copies the platform already held: checked against the log as it is now.
        IReadOnlyList<AuditCheckpointMessage> anchors = await copies.NewestAsync(VerifyAnchors, cancellationToken);
        string query = string.Concat(anchors.Select((c, i) => (i == 0 ? "?" : "&") + "expect=" +
            Uri.EscapeDataString(c.Sequence.ToString(CultureInfo.InvariantCulture) + ":" + c.ChainHash)));
        return await ForwardAsync("api/audit/verify" + query, http, accounts, links, cancellationToken);
    }

    private static async Task<Results<Ok<AuditCheckpointPage>, Forbidden, ProblemHttpResult>> CheckpointsAsync(
        HttpContext http, AccountService accounts, AuditCheckpointCopies copies, CancellationToken cancellationToken, long? after = null, int? limit = null)
    {
        if (!await IsAdminAsync(http, accounts, cancellationToken))
        {
            return ApiResults.Deny(http, null, "Only administrators may read the audit log.");
        }

        if (after is < 0 || limit is < 1 or > AuditCheckpointCopies.PageSize)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad query",
                detail: $"after is a record number from 0; limit is 1 to {AuditCheckpointCopies.PageSize}.");
        }

        try
        {
            await copies.SyncAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            // The audit server is away: the copies already kept are what this answer is for.
        }

        return TypedResults.Ok(await copies.ListAsync(after ?? 0, limit ?? AuditCheckpointCopies.PageSize, cancellationToken));
    }

    private static async Task<bool> IsAdminAsync(HttpContext http, AccountService accounts, CancellationToken cancellationToken)
    {
        Outcome<UserInfo> caller = await accounts.GetUserAsync(http.User.RequireUserId(), cancellationToken);
        return caller.IsOk && caller.Value.Role == GlobalRole.Admin && !caller.Value.IsDisabled;
    }

    private static async Task<Results<ContentHttpResult, Forbidden, ProblemHttpResult>> ForwardAsync(
        string path, HttpContext http, AccountService accounts, ServiceLinks links, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(http, accounts, cancellationToken))
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
