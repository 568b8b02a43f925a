using Imguard.Audit.Events;
using Imguard.Audit.Ledger;
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
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder api = routes.MapGroup("/api/audit");
        api.MapPost("/events", AppendAsync).RequireServiceRole(ServiceRole.Platform, ServiceRole.Party0, ServiceRole.Party1);
        api.MapGet("/records", QueryAsync).RequireServiceRole(ServiceRole.Platform);
        api.MapGet("/checkpoints", CheckpointsAsync).RequireServiceRole(ServiceRole.Platform);
        api.MapPost("/checkpoints", CheckpointAsync).RequireServiceRole(ServiceRole.Platform);
        api.MapGet("/verify", VerifyAsync).RequireServiceRole(ServiceRole.Platform);
        return routes;
    }

    private static async Task<Results<Ok<AuditAcceptedView>, ProblemHttpResult>> AppendAsync(
        AuditEventBatch batch, HttpContext context, AuditLog log, CancellationToken cancellationToken)
    {
        if (batch?.Events is null || batch.Events.Count == 0 || batch.Events.Count > AuditEventBatch.MaxEvents)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad batch",
                detail: $"A batch holds 1 to {AuditEventBatch.MaxEvents} events.");
        }
        string source = ServiceRoles.Name(context.CallerRole());
        // Validate the whole batch before appending any of it, so a bad event never leaves half a batch behind.
        var events = new List<(AuditEvent Event, AuditDelivery? Delivery)>(batch.Events.Count);
        for (int i = 0; i < batch.Events.Count; i++)
        {
            try
            {
                AuditEventMessage message = batch.Events[i];
                AuditDelivery? delivery = message?.EventId is { } eventId ? new AuditDelivery(source, eventId) : null;
                events.Add((AuditEventParser.Parse(message!, source), delivery));
            }
            catch (ArgumentException e)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad audit event",
                    detail: $"Event {i}: {e.Message}");
            }
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

    private static async Task<Ok<IReadOnlyList<AuditCheckpointView>>> CheckpointsAsync(AuditLog log, CancellationToken cancellationToken)
    {
        IReadOnlyList<AuditCheckpoint> checkpoints = await log.GetCheckpointsAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AuditCheckpointView>>([.. checkpoints.Select(AuditCheckpointView.From)]);
    }

    private static async Task<Results<Ok<AuditCheckpointView>, NoContent>> CheckpointAsync(AuditLog log, CancellationToken cancellationToken)
    {
        AuditCheckpoint? checkpoint = await log.CheckpointAsync(cancellationToken);
        return checkpoint is null ? TypedResults.NoContent() : TypedResults.Ok(AuditCheckpointView.From(checkpoint));
    }

    private static async Task<Ok<AuditVerificationView>> VerifyAsync(AuditLog log, CancellationToken cancellationToken) =>
        TypedResults.Ok(AuditVerificationView.From(await log.VerifyAsync(cancellationToken)));
}
