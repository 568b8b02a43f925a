using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Uploads;
using Imguard.Party.PlatformLink;
using Imguard.Party.Shares;
using Imguard.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Party.Api;

/// <summary>
/// Resumable uploads of dataset halves, straight from the owner's client (the platform never relays a share). Every
/// call carries a platform-signed upload grant for this party and this dataset. Chunks are appended at the committed
/// length with their SHA-256 and fsynced before the reply; after a restart the client asks for the status and goes on
/// from the committed length. Completion verifies the whole file, commits it atomically and reports the half to
/// the platform.
/// </summary>
/// <remarks>
/// Refusals: 401 (no grant, or one that is malformed, not the platform's or expired) and 403 (a grant for another
/// party, purpose or dataset), both with an RFC 6750 <c>WWW-Authenticate: Bearer</c> challenge and checked before
/// the body is read; 404 for an upload that is gone (finished, or expired after
/// <see cref="ShareStoreOptions.IncompleteUploadExpiry"/> without a chunk); 410 for a dataset that was deleted or
/// rejected (the platform is asked when an upload begins and at most once per check interval while chunks arrive);
/// 413 past the grant's size or the user's or project's storage quota. No answer carries a server path.
/// </remarks>
public static class UploadsApi
{
    /// <summary>Largest begin request read (a dataset id and a number need far less).</summary>
    private const int MaxBeginBytes = 16 << 10;

    public static IEndpointRouteBuilder MapUploadsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder api = routes.MapGroup("/api/uploads");
        api.MapPost("/", BeginAsync).RequireRateLimiting(UploadRateLimits.ControlPolicy);
        api.MapGet("/{uploadId}", Status).RequireRateLimiting(UploadRateLimits.ControlPolicy);
        api.MapPut("/{uploadId}/chunks/{offset:long}", AppendAsync).RequireRateLimiting(UploadRateLimits.ChunkPolicy);
        api.MapPost("/{uploadId}/complete", CompleteAsync).RequireRateLimiting(UploadRateLimits.ControlPolicy);
        api.MapDelete("/{uploadId}", AbortAsync).RequireRateLimiting(UploadRateLimits.ControlPolicy);
        return routes;
    }

    private static async Task<Results<Ok<UploadStatusReply>, ProblemHttpResult>> BeginAsync(
        HttpContext context, GrantAuthorization grants, ShareStore store, DatasetStatusCheck datasets, AuditClient audit, CancellationToken cancellationToken)
    {
        // The grant first, the body after: a caller without a grant learns nothing about what the body should be.
        Grant? grant = grants.Check(context, GrantPurpose.UploadDataset, resource: null, out GrantDenial denial);
        if (grant is null)
        {
            return Refused(context, audit, grants.PartyId, null, denial);
        }
        UploadBeginRequest? request = await ReadBeginAsync(context.Request, cancellationToken);
        if (request is null || string.IsNullOrEmpty(request.DatasetId))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "Send JSON {\"datasetId\": …, \"totalBytes\": …}: the dataset id and the file's total size.");
        }
        if (!GrantAuthorization.CheckResource(grant, request.DatasetId, out denial))
        {
            return Refused(context, audit, grants.PartyId, request.DatasetId, denial);
        }
        if (request.TotalBytes > grant.MaxBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Too large", $"The grant allows at most {grant.MaxBytes} bytes; the upload declares {request.TotalBytes}.");
        }
        try
        {
            if (await datasets.CheckAsync(request.DatasetId, cancellationToken) is { } closure)
            {
                throw PartyError.DatasetClosed(request.DatasetId, closure);
            }
            // The party id is this server's own, never the client's word; the owner is the grant's.
            UploadSession session = UploadSession.Begin(store, request.TotalBytes, request.DatasetId, grants.PartyId,
                Math.Min(grant.MaxBytes, store.Options.MaxUploadBytes), new UploadOwner(grant.User, grant.Project));
            return TypedResults.Ok(Reply(session.Status, store));
        }
        catch (ShareStoreException e)
        {
            return FromStore(e, store);
        }
    }

    private static Results<Ok<UploadStatusReply>, ProblemHttpResult> Status(
        string uploadId, HttpContext context, GrantAuthorization grants, ShareStore store, AuditClient audit)
    {
        if (!TryAuthorize(uploadId, context, grants, store, audit, out UploadSession? session, out _, out ProblemHttpResult? problem))
        {
            return problem;
        }
        return TypedResults.Ok(Reply(session.Status, store));
    }

    private static async Task<Results<Ok<UploadStatusReply>, ProblemHttpResult>> AppendAsync(
        string uploadId, long offset, HttpContext context, GrantAuthorization grants, ShareStore store, DatasetStatusCheck datasets, AuditClient audit, CancellationToken cancellationToken)
    {
        if (!TryAuthorize(uploadId, context, grants, store, audit, out UploadSession? session, out _, out ProblemHttpResult? problem))
        {
            return problem;
        }
        string? hashHex = context.Request.Headers[UploadHeaders.ChunkSha256];
        byte[] hash;
        try
        {
            hash = Convert.FromHexString(hashHex ?? "");
        }
        catch (FormatException)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad chunk hash", $"Send the chunk's SHA-256 as hex in {UploadHeaders.ChunkSha256}.");
        }
        long? length = context.Request.ContentLength;
        int limit = store.Options.MaxChunkBytes;
        if (length is null or <= 0 || length > limit)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Bad chunk size", $"A chunk is 1 to {limit} bytes with a Content-Length.");
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)length.Value);
        try
        {
            // Stops an upload of a dataset the platform has rejected or is deleting (asked at most once per interval).
            if (await datasets.CheckAsync(session.DatasetId, cancellationToken) is { } closure)
            {
                throw PartyError.DatasetClosed(session.DatasetId, closure);
            }
            int read = 0;
            while (read < length.Value)
            {
                int n = await context.Request.Body.ReadAsync(buffer.AsMemory(read, (int)length.Value - read), cancellationToken);
                if (n == 0)
                {
                    return Problem(StatusCodes.Status400BadRequest, "Short chunk", "The request body ended before its Content-Length.");
                }
                read += n;
            }
            UploadStatus status = await session.AppendChunkAsync(offset, buffer.AsMemory(0, read), hash, cancellationToken);
            return TypedResults.Ok(Reply(status, store));
        }
        catch (ShareStoreException e)
        {
            return FromStore(e, store);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<Results<Ok<UploadCompletedReply>, ProblemHttpResult>> CompleteAsync(
        string uploadId, HttpContext context, GrantAuthorization grants, ShareStore store, DatasetStatusCheck datasets, HalfReporter reporter, AuditClient audit, CancellationToken cancellationToken)
    {
        if (!TryAuthorize(uploadId, context, grants, store, audit, out UploadSession? session, out Grant? grant, out ProblemHttpResult? problem))
        {
            return problem;
        }
        StoredShare stored;
        try
        {
            if (await datasets.CheckAsync(session.DatasetId, cancellationToken) is { } closure)
            {
                throw PartyError.DatasetClosed(session.DatasetId, closure);
            }
            stored = await session.CompleteAsync(cancellationToken);
        }
        catch (ShareStoreException e)
        {
            audit.Emit(AuditEventTypes.UploadRejected, $"user:{grant.User}", [$"dataset:{session.DatasetId}", $"project:{grant.Project}"],
                new Dictionary<string, object> { ["party"] = grants.PartyId, ["reason"] = e.Kind.ToString() });
            return FromStore(e, store);
        }
        audit.Emit(AuditEventTypes.DatasetHalfReceived, $"user:{grant.User}", [$"dataset:{stored.Header.DatasetId}", $"project:{grant.Project}"],
            new Dictionary<string, object>
            {
                ["party"] = grants.PartyId,
                ["bytes"] = stored.Header.FileLength,
                ["count"] = stored.Header.ExampleCount,
                ["digest"] = stored.Digest.ToHex(),
            });
        // The half is durable now; telling the platform may fail (platform down) and is then retried in the background.
        bool reported = await reporter.ReportAsync(stored.Header.DatasetId, cancellationToken);
        return TypedResults.Ok(new UploadCompletedReply(stored.Header.DatasetId, stored.Digest.ToHex(), stored.Header.FileLength, reported));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> AbortAsync(
        string uploadId, HttpContext context, GrantAuthorization grants, ShareStore store, AuditClient audit, CancellationToken cancellationToken)
    {
        if (!TryAuthorize(uploadId, context, grants, store, audit, out UploadSession? session, out _, out ProblemHttpResult? problem))
        {
            return problem;
        }
        await session.AbortAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The grant (signature, party, purpose, lifetime: 401/403 before anything else), then the upload, then that the
    /// grant names the upload's dataset.
    /// </summary>
    private static bool TryAuthorize(string uploadId, HttpContext context, GrantAuthorization grants, ShareStore store, AuditClient audit,
        [NotNullWhen(true)] out UploadSession? session, [NotNullWhen(true)] out Grant? grant, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        session = null;
        grant = grants.Check(context, GrantPurpose.UploadDataset, resource: null, out GrantDenial denial);
        if (grant is null)
        {
            problem = Refused(context, audit, grants.PartyId, null, denial);
            return false;
        }
        try
        {
            session = UploadSession.Open(store, uploadId);
        }
        catch (ShareStoreException e)
        {
            problem = FromStore(e, store);
            return false;
        }
        if (!GrantAuthorization.CheckResource(grant, session.DatasetId, out denial))
        {
            problem = Refused(context, audit, grants.PartyId, session.DatasetId, denial);
            return false;
        }
        problem = null;
        return true;
    }

    /// <summary>The begin request's JSON, read only after the grant check and at most <see cref="MaxBeginBytes"/>; null when unreadable.</summary>
    private static async Task<UploadBeginRequest?> ReadBeginAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBeginBytes)
        {
            return null;
        }
        using var body = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + n > MaxBeginBytes)
            {
                return null;
            }
            body.Write(buffer, 0, n);
        }
        try
        {
            return JsonSerializer.Deserialize<UploadBeginRequest>(body.GetBuffer().AsSpan(0, (int)body.Length), JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static UploadStatusReply Reply(UploadStatus status, ShareStore store) =>
        new(status.UploadId, status.DatasetId, status.DeclaredBytes, status.CommittedBytes, store.Options.MaxChunkBytes);

    /// <summary>A refused grant: audited, answered 401 or 403 with its RFC 6750 challenge.</summary>
    private static ProblemHttpResult Refused(HttpContext context, AuditClient audit, int partyId, string? datasetId, GrantDenial denial)
    {
        audit.Emit(AuditEventTypes.PermissionDenied, "anonymous", datasetId is null ? null : [$"dataset:{SafeId(datasetId)}"],
            new Dictionary<string, object> { ["party"] = partyId, ["operation"] = "upload" });
        denial.Apply(context.Response);
        return Problem(denial.StatusCode, denial.StatusCode == StatusCodes.Status401Unauthorized ? "Grant required" : "Upload not allowed", denial.Reason);
    }

    // Audit subjects are validated by the audit server; a hostile id must not make the whole batch fail.
    private static string SafeId(string id) => Contracts.Shares.ShareFileFormat.IsValidDatasetId(id) ? id : "invalid";

    /// <summary>
    /// A store refusal as problem details. 404 for an upload that is gone (finished, expired, or unreadable after a
    /// restart: the client starts again), 410 for a closed dataset, 413 for sizes and quotas. The detail is the
    /// store's message, which names ids and numbers only; the store's directory is masked as a last guard.
    /// </summary>
    private static ProblemHttpResult FromStore(ShareStoreException e, ShareStore store) => Problem(e.Kind switch
    {
        ShareStoreErrorKind.NotFound or ShareStoreErrorKind.Expired or ShareStoreErrorKind.SessionCorrupt => StatusCodes.Status404NotFound,
        ShareStoreErrorKind.AlreadyExists or ShareStoreErrorKind.OffsetConflict => StatusCodes.Status409Conflict,
        ShareStoreErrorKind.DatasetClosed => StatusCodes.Status410Gone,
        ShareStoreErrorKind.TooLarge or ShareStoreErrorKind.ChunkTooLarge or ShareStoreErrorKind.QuotaExceeded => StatusCodes.Status413PayloadTooLarge,
        ShareStoreErrorKind.ChunkHashMismatch or ShareStoreErrorKind.InvalidShareFile or ShareStoreErrorKind.DeclarationMismatch
            or ShareStoreErrorKind.Incomplete => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status400BadRequest,
    }, e.Kind.ToString(), e.Message.Replace(store.Root, "(share store)", StringComparison.Ordinal));

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
