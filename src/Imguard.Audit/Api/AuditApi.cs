using Imguard.Audit.Events;
using Imguard.Audit.Ledger;
using Imguard.Audit.Verification;
using Imguard.Contracts.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Audit.Api;

/// <summary>
/// The audit server's HTTP API. Writers: the platform and the parties (their certificates), which append event
/// batches. Readers: the platform (it serves the audit viewer to admins, after its own authorisation). Nothing can
/// change or delete a record through the API.
/// </summary>
public static class AuditApi
{
    /// <summary>The most checkpoints one <c>GET /api/audit/checkpoints</c> returns.</summary>
    public const int MaxCheckpointsPerPage = 1000;

    /// <summary>The most anchors (<c>expect=SEQ:HASH</c>) one <c>GET /api/audit/verify</c> takes.</summary>
    public const int MaxAnchorsPerRequest = 100;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder api = routes.MapGroup("/api/audit");
        // The dealer sends its randomness.issued events itself when it runs as its own service (under its own role).
        api.MapPost("/events", AppendAsync).RequireServiceRole(ServiceRole.Platform, ServiceRole.Party0, ServiceRole.Party1, ServiceRole.Dealer);
        api.MapGet("/records", QueryAsync).RequireServiceRole(ServiceRole.Platform);
        api.MapGet("/checkpoints", CheckpointsAsync).RequireServiceRole(ServiceRole.Platform);
        api.MapPost("/checkpoints", CheckpointAsync).RequireServiceRole(ServiceRole.Platform);
        api.MapGet("/verify", VerifyAsync).RequireServiceRole(ServiceRole.Platform);
        return routes;
    }

    private static async Task<Results<Ok<AuditAcceptedView>, ProblemHttpResult>> AppendAsync(
        AuditEventBatch batch, HttpContext context, AuditLog log, CancellationToken cancellationToken)
    {
        string source = ServiceRoles.Name(context.CallerRole());
        // Validate the whole batch before appending any of it, so a bad event never leaves half a batch behind.
        IReadOnlyList<(AuditEvent Event, AuditDelivery? Delivery)> events;
        try
        {
            events = AuditEventParser.ParseBatch(batch, source);
        }
        catch (ArgumentException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad batch", detail: e.Message);
        }

        // An event whose id this sender has delivered before is acknowledged without a second record: senders resend
        // after a crash (at least once), the log keeps each event once.
        long last = 0;
        int appended = 0;
        int duplicates = 0;
        foreach ((AuditEvent auditEvent, AuditDelivery? delivery) in events)
        {
            if (delivery is null)
            {
                last = (await log.AppendAsync(auditEvent, cancellationToken)).Sequence;
                appended++;
                continue;
            }
            AuditAppendResult result = await log.AppendOnceAsync(auditEvent, delivery, cancellationToken);
            if (result.Duplicate)
            {
                duplicates++;
            }
            else
            {
                appended++;
                last = result.Record.Sequence;
            }
        }
        return TypedResults.Ok(new AuditAcceptedView(appended, last, duplicates));
    }

    private static async Task<Results<Ok<AuditPageView>, ProblemHttpResult>> QueryAsync(
        AuditLog log, CancellationToken cancellationToken, string? eventType = null, string? actor = null, string? subject = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, long? cursor = null, int? limit = null, bool newestFirst = false)
    {
        try
        {
            AuditPage page = await log.QueryAsync(new AuditQuery
            {
                EventType = eventType,
                Actor = actor,
                Subject = subject,
                From = from?.ToUniversalTime(),
                To = to?.ToUniversalTime(),
                Cursor = cursor,
                Limit = limit ?? AuditQuery.DefaultLimit,
                NewestFirst = newestFirst,
            }, cancellationToken);
            return TypedResults.Ok(new AuditPageView([.. page.Records.Select(AuditRecordView.From)], page.NextCursor));
        }
        catch (ArgumentException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad query", detail: e.Message);
        }
    }

    // Oldest first, after record `after` (0: from the start), at most `limit` (default and cap 1000): a reader that
    // keeps copies asks with the last sequence it holds until a page comes back short.
    private static async Task<Results<Ok<IReadOnlyList<AuditCheckpointMessage>>, ProblemHttpResult>> CheckpointsAsync(
        AuditLog log, CancellationToken cancellationToken, long? after = null, int? limit = null)
    {
        if (after is < 0 || limit is < 1 or > MaxCheckpointsPerPage)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad query",
                detail: $"after is a record number from 0; limit is 1 to {MaxCheckpointsPerPage}.");
        }

        IReadOnlyList<AuditCheckpoint> checkpoints = await log.GetCheckpointsAsync(after ?? 0, limit ?? MaxCheckpointsPerPage, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AuditCheckpointMessage>>([.. checkpoints.Select(c => c.ToMessage())]);
    }

    private static async Task<Results<Ok<AuditCheckpointMessage>, NoContent>> CheckpointAsync(AuditLog log, CancellationToken cancellationToken)
    {
        AuditCheckpoint? checkpoint = await log.CheckpointAsync(cancellationToken);
        return checkpoint is null ? TypedResults.NoContent() : TypedResults.Ok(checkpoint.ToMessage());
    }

    // `expect=SEQ:HASH` (repeatable): trusted checkpoint copies the log must still match, e.g. the platform's newest.
    private static async Task<Results<Ok<AuditVerificationView>, ProblemHttpResult>> VerifyAsync(
        HttpContext context, AuditLog log, CancellationToken cancellationToken)
    {
        var expected = context.Request.Query["expect"];
        if (expected.Count > MaxAnchorsPerRequest)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad query",
                detail: $"At most {MaxAnchorsPerRequest} expect=SEQ:HASH anchors per request.");
        }

        var anchors = new List<AuditAnchor>(expected.Count);
        foreach (string? text in expected)
        {
            try
            {
                anchors.Add(AuditAnchor.Parse(text ?? ""));
            }
            catch (FormatException e)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad anchor", detail: e.Message);
            }
        }

        return TypedResults.Ok(AuditVerificationView.From(await log.VerifyAsync(anchors, cancellationToken)));
    }
}
