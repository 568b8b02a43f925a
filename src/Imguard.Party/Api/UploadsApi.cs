using System.Buffers;
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
public static class UploadsApi
{
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

    private static Results<Ok<UploadStatusReply>, ProblemHttpResult> BeginAsync(
        UploadBeginRequest request, HttpContext context, GrantAuthorization grants, ShareStore store, AuditClient audit)
    {
        if (request is null || string.IsNullOrEmpty(request.DatasetId))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "Give the dataset id and the file's total size.");
        }
        Grant? grant = grants.Check(context, GrantPurpose.UploadDataset, request.DatasetId, out string reason);
        if (grant is null)
        {
            return Refused(audit, grants.PartyId, request.DatasetId, reason);
        }
        if (request.TotalBytes > grant.MaxBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Too large", $"The grant allows at most {grant.MaxBytes} bytes; the upload declares {request.TotalBytes}.");
        }
        try
        {
            // The party id is this server's own, never the client's word.
            UploadSession session = UploadSession.Begin(store, request.TotalBytes, request.DatasetId, grants.PartyId, Math.Min(grant.MaxBytes, store.Options.MaxUploadBytes));
            return TypedResults.Ok(Reply(session.Status, store));
        }
        catch (ShareStoreException e)
        {
            return FromStore(e);
        }
    }

    private static Results<Ok<UploadStatusReply>, ProblemHttpResult> Status(
        string uploadId, HttpContext context, GrantAuthorization grants, ShareStore store, AuditClient audit)
    {
        if (!TryOpen(uploadId, store, out UploadSession? session, out ProblemHttpResult? problem))
        {
            return problem;
        }
        if (grants.Check(context, GrantPurpose.UploadDataset, session.DatasetId, out string reason) is null)
        {
            return Refused(audit, grants.PartyId, session.DatasetId, reason);
        }
        return TypedResults.Ok(Reply(session.Status, store));
    }

    private static async Task<Results<Ok<UploadStatusReply>, ProblemHttpResult>> AppendAsync(
        string uploadId, long offset, HttpContext context, GrantAuthorization grants, ShareStore store, AuditClient audit, CancellationToken cancellationToken)
    {
        if (!TryOpen(uploadId, store, out UploadSession? session, out ProblemHttpResult? problem))
        {
            return problem;
        }
        if (grants.Check(context, GrantPurpose.UploadDataset, session.DatasetId, out string reason) is null)
        {
            return Refused(audit, grants.PartyId, session.DatasetId, reason);
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
            return FromStore(e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<Results<Ok<UploadCompletedReply>, ProblemHttpResult>> CompleteAsync(
        string uploadId, HttpContext context, GrantAuthorization grants, ShareStore store, HalfReporter reporter, AuditClient audit, CancellationToken cancellationToken)
    {
        if (!TryOpen(uploadId, store, out UploadSession? session, out ProblemHttpResult? problem))
        {
            return problem;
        }
        Grant? grant = grants.Check(context, GrantPurpose.UploadDataset, session.DatasetId, out string reason);
        if (grant is null)
        {
            return Refused(audit, grants.PartyId, session.DatasetId, reason);
        }
        StoredShare stored;
        try
        {
            stored = await session.CompleteAsync(cancellationToken);
        }
        catch (ShareStoreException e)
        {
            audit.Emit(AuditEventTypes.UploadRejected, $"user:{grant.User}", [$"dataset:{session.DatasetId}", $"project:{grant.Project}"],
                new Dictionary<string, object> { ["party"] = grants.PartyId, ["reason"] = e.Kind.ToString() });
            return FromStore(e);
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
        if (!TryOpen(uploadId, store, out UploadSession? session, out ProblemHttpResult? problem))
        {
            return problem;
        }
        if (grants.Check(context, GrantPurpose.UploadDataset, session.DatasetId, out string reason) is null)
        {
            return Refused(audit, grants.PartyId, session.DatasetId, reason);
        }
        await session.AbortAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static bool TryOpen(string uploadId, ShareStore store, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UploadSession? session, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        session = null;
        problem = null;
        try
        {
            session = UploadSession.Open(store, uploadId);
            return true;
        }
        catch (ShareStoreException e)
        {
            problem = FromStore(e);
            return false;
        }
    }

    private static UploadStatusReply Reply(UploadStatus status, ShareStore store) =>
        new(status.UploadId, status.DatasetId, status.DeclaredBytes, status.CommittedBytes, store.Options.MaxChunkBytes);

    private static ProblemHttpResult Refused(AuditClient audit, int partyId, string datasetId, string reason)
    {
        audit.Emit(AuditEventTypes.PermissionDenied, "anonymous", [$"dataset:{SafeId(datasetId)}"],
            new Dictionary<string, object> { ["party"] = partyId, ["operation"] = "upload" });
        return Problem(StatusCodes.Status403Forbidden, "Upload not allowed", reason);
    }

    // Audit subjects are validated by the audit server; a hostile id must not make the whole batch fail.
    private static string SafeId(string id) => Contracts.Shares.ShareFileFormat.IsValidDatasetId(id) ? id : "invalid";

    private static ProblemHttpResult FromStore(ShareStoreException e) => Problem(e.Kind switch
    {
        ShareStoreErrorKind.NotFound => StatusCodes.Status404NotFound,
        ShareStoreErrorKind.AlreadyExists or ShareStoreErrorKind.OffsetConflict => StatusCodes.Status409Conflict,
        ShareStoreErrorKind.TooLarge or ShareStoreErrorKind.ChunkTooLarge => StatusCodes.Status413PayloadTooLarge,
        ShareStoreErrorKind.ChunkHashMismatch or ShareStoreErrorKind.InvalidShareFile or ShareStoreErrorKind.DeclarationMismatch
            or ShareStoreErrorKind.Incomplete => StatusCodes.Status422UnprocessableEntity,
        ShareStoreErrorKind.SessionCorrupt => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status400BadRequest,
    }, e.Kind.ToString(), e.Message);

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
