using System.Runtime.InteropServices;
using Imguard.Contracts.Jobs;
using Imguard.Dealer.Sessions;
using Imguard.Learning.Hiding;
using Imguard.Learning.Training;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Randomness;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Imguard.Dealer.Api;

/// <summary>
/// The dealer's endpoints, for the two parties' certificates only (the party id comes from the certificate, never
/// from the request). Everything under <c>/internal/jobs/{jobId}/dealer</c>:
/// <code>
/// POST attempts                                   JSON {minAttempt} → {attempt, jobSeed, randomnessSeed, trainingCount, peerJoined}
/// GET  attempts/{a}?wait=none|peer|end             → JSON {attempt, peerJoined}, answered when the other party has
///                                                   joined (peer) or the attempt ends (end), at most after the
///                                                   dealer's bound (a long poll); 410 once the attempt is not live
/// GET  attempts/{a}/initial-parameters            → octet-stream: party 1's initial-parameter words (party 0: empty)
/// GET  attempts/{a}/epochs/{e}                    → octet-stream: the epoch's public part (HidingEpochCodec)
/// GET  attempts/{a}/epochs/{e}/batches/{b}        → octet-stream: party 1's hiding words for the batch (party 0: empty)
/// GET  attempts/{a}/test-encodings/{t}/batches/{b} → octet-stream: the batch's table rows, party 1's coefficient
///                                                   words (TestEncodingBatch wire form)
/// POST attempts/{a}/items   octet-stream: 1..256 item headers (DealerItemRequests) → the items (DealerStream format)
/// </code>
/// Words are little-endian uint64. Refusals are problem details: 400 malformed, 403 not a party, 404 unknown or finished
/// job (from a join), 409 out of step or asked twice (the attempt is over), 410 attempt replaced or not live (join
/// again), 503 dealer busy or stopping.
/// Requires a <see cref="DealerSessions"/> service (see <see cref="DealerServiceCollectionExtensions.AddImguardDealer"/>).
/// </summary>
public static class DealerApi
{
    public static IEndpointRouteBuilder MapDealerApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder api = routes.MapGroup("/internal/jobs/{jobId}/dealer").RequireServiceRole(ServiceRole.Party0, ServiceRole.Party1)
            .ExcludeFromDescription(); // service-to-service only: not part of the public API document
        api.MapPost("/attempts", JoinAsync);
        api.MapGet("/attempts/{attempt:int}", StatusAsync);
        api.MapGet("/attempts/{attempt:int}/initial-parameters", InitialParameters);
        api.MapGet("/attempts/{attempt:int}/epochs/{epoch:int}", Epoch);
        api.MapGet("/attempts/{attempt:int}/epochs/{epoch:int}/batches/{batch:int}", HidingBatch);
        api.MapGet("/attempts/{attempt:int}/test-encodings/{encoding:int}/batches/{batch:int}", TestEncodingBatch);
        api.MapPost("/attempts/{attempt:int}/items", ItemsAsync);
        return routes;
    }

    private static async Task<Results<Ok<DealerAttemptReply>, ProblemHttpResult>> JoinAsync(
        string jobId, DealerAttemptRequest request, HttpContext context, DealerSessions sessions, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "Send {\"minAttempt\": N}.");
        }
        try
        {
            var (session, jobSeed, randomnessSeed) = await sessions.Join(jobId, PartyOf(context), request.MinAttempt, cancellationToken);
            int party = PartyOf(context);
            return TypedResults.Ok(new DealerAttemptReply(session.Attempt, Bytes(jobSeed), Bytes(randomnessSeed), session.Job.TrainingCount,
                PeerJoined: session.HasJoined(1 - party)));
        }
        catch (DealerException e)
        {
            return Refused(e);
        }
    }

    private static async Task<Results<Ok<DealerAttemptStatus>, ProblemHttpResult>> StatusAsync(
        string jobId, int attempt, string? wait, HttpContext context, DealerSessions sessions, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        // A long poll ends when the party goes away or the platform stops (so a waiting party never holds up a shutdown).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            bool peerJoined = await sessions.WaitAsync(jobId, attempt, PartyOf(context), wait ?? DealerWait.None, stop.Token);
            return TypedResults.Ok(new DealerAttemptStatus(attempt, peerJoined));
        }
        catch (DealerException e)
        {
            return Refused(e);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Stopping", "The platform is stopping; ask again when it is back.");
        }
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> InitialParameters(string jobId, int attempt, HttpContext context, DealerSessions sessions) =>
        Serve(() => Words(sessions.Get(jobId, attempt).InitialParameters(PartyOf(context))));

    private static Results<FileContentHttpResult, ProblemHttpResult> Epoch(string jobId, int attempt, int epoch, HttpContext context, DealerSessions sessions) =>
        Serve(() => HidingEpochCodec.Encode(sessions.Get(jobId, attempt).BeginEpoch(PartyOf(context), epoch)));

    private static Results<FileContentHttpResult, ProblemHttpResult> HidingBatch(string jobId, int attempt, int epoch, int batch, HttpContext context, DealerSessions sessions) =>
        Serve(() => Words(sessions.Get(jobId, attempt).HidingBatch(PartyOf(context), epoch, batch)));

    private static Results<FileContentHttpResult, ProblemHttpResult> TestEncodingBatch(
        string jobId, int attempt, int encoding, int batch, HttpContext context, DealerSessions sessions) =>
        Serve(() =>
        {
            var session = sessions.Get(jobId, attempt);
            return session.TestEncodingBatch(PartyOf(context), encoding, batch).Encode(encoding, batch, JobTraining.Options(session.Job.Description).Hiding.SlotCount);
        });

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ItemsAsync(
        string jobId, int attempt, HttpContext context, DealerSessions sessions, CancellationToken cancellationToken)
    {
        const int limit = DealerEndpoints.MaxItemsPerRequest * DealerItemRequests.HeaderBytes;
        long? length = context.Request.ContentLength;
        if (length is null or <= 0 or > limit)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad item request", $"Send 1 to {DealerEndpoints.MaxItemsPerRequest} item headers of {DealerItemRequests.HeaderBytes} bytes with a Content-Length.");
        }
        var body = new byte[length.Value];
        try
        {
            await context.Request.Body.ReadExactlyAsync(body, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            return Problem(StatusCodes.Status400BadRequest, "Short request", "The request body ended before its Content-Length.");
        }
        IReadOnlyList<ulong[]> messages;
        IReadOnlyList<(long Index, RandomnessRequest Request)> items;
        try
        {
            items = DealerItemRequests.Decode(body, DealerEndpoints.MaxItemsPerRequest);
            messages = sessions.Get(jobId, attempt).TakeItems(PartyOf(context), items);
        }
        catch (InvalidDataException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad item request", e.Message);
        }
        catch (DealerException e)
        {
            return Refused(e);
        }
        context.Response.ContentType = DealerEndpoints.OctetStream;
        using var item = new MemoryStream();
        for (int i = 0; i < items.Count; i++)
        {
            item.SetLength(0);
            DealerStream.Write(item, items[i].Index, items[i].Request, messages[i]);
            await context.Response.Body.WriteAsync(item.GetBuffer().AsMemory(0, (int)item.Length), cancellationToken);
            Array.Clear(messages[i]);
        }
        Array.Clear(item.GetBuffer());
        return TypedResults.Empty;
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> Serve(Func<byte[]> produce)
    {
        try
        {
            return TypedResults.File(produce(), DealerEndpoints.OctetStream);
        }
        catch (DealerException e)
        {
            return Refused(e);
        }
    }

    private static int PartyOf(HttpContext context) =>
        ServiceRoles.PartyId(context.CallerRole()) ?? throw new DealerException(DealerErrorKind.Forbidden, "Only the parties talk to the dealer.");

    private static byte[] Bytes(Seed seed)
    {
        var bytes = new byte[Seed.SizeInBytes];
        seed.WriteTo(bytes);
        return bytes;
    }

    private static byte[] Words(ulong[] words)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The dealer's wire format is little-endian.");
        }
        byte[] bytes = MemoryMarshal.AsBytes(words.AsSpan()).ToArray();
        Array.Clear(words);
        return bytes;
    }

    private static ProblemHttpResult Refused(DealerException e) => TypedResults.Problem(statusCode: e.Kind switch
    {
        DealerErrorKind.NotFound => StatusCodes.Status404NotFound,
        DealerErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        DealerErrorKind.Gone => StatusCodes.Status410Gone,
        DealerErrorKind.OutOfStep => StatusCodes.Status409Conflict,
        DealerErrorKind.Busy => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    }, title: e.Kind.ToString(), detail: e.Message,
        // A replaced attempt names the live one, so a party can tell "the other party moved on" from "the job ended".
        extensions: e.LiveAttempt is { } live ? new Dictionary<string, object?> { ["liveAttempt"] = live } : null);

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
