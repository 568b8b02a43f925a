using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Files;

namespace Imguard.Client.Models;

/// <summary>
/// Downloads one party's share of a job's model or evaluation (<c>GET /api/models/{jobId}/share|evaluation</c>) with a
/// platform-signed DownloadModel grant for that party and a request signed by <paramref name="signer"/>: first a fresh
/// challenge from the party (<c>POST …/challenge</c>, behind the same grant), then the download carrying the key, the
/// challenge and the signature over <see cref="ModelRequestDigest"/> for party <paramref name="partyId"/> (the party
/// the grant names). The party releases the model only to a recipient's key of the job and the evaluation only to the
/// evaluated dataset's owner key. Into memory (<see cref="FetchShareAsync"/>, what a reconstruction uses: both halves
/// of a model never meet on disk unless the owner asks to keep them) or into a file (<see cref="AtomicFile"/>: written
/// whole or not at all).
/// </summary>
public sealed class ModelDownloader(HttpClient party, int partyId, ModelRequestSigner signer)
{
    /// <summary>Largest share held in memory: far above any model the spec bounds allow to be trained on two servers in practice.</summary>
    public const long MaxShareBytes = 1L << 30;

    public Task<long> DownloadShareAsync(string jobId, string grant, string path, CancellationToken cancellationToken = default) =>
        DownloadAsync(jobId, ModelRequestDigest.Model, grant, path, cancellationToken);

    public Task<long> DownloadEvaluationAsync(string jobId, string grant, string path, CancellationToken cancellationToken = default) =>
        DownloadAsync(jobId, ModelRequestDigest.Evaluation, grant, path, cancellationToken);

    /// <summary>This party's model share, in memory (the caller wipes it when done).</summary>
    public async Task<byte[]> FetchShareAsync(string jobId, string grant, CancellationToken cancellationToken = default) =>
        (await FetchAsync(jobId, ModelRequestDigest.Model, grant, allowMissing: false, cancellationToken))!;

    /// <summary>This party's evaluation share (or an inference job's predictions), in memory; null when the job has none (no test set).</summary>
    public Task<byte[]?> FetchEvaluationAsync(string jobId, string grant, CancellationToken cancellationToken = default) =>
        FetchAsync(jobId, ModelRequestDigest.Evaluation, grant, allowMissing: true, cancellationToken);

    private async Task<byte[]?> FetchAsync(string jobId, string what, string grant, bool allowMissing, CancellationToken cancellationToken)
    {
        using HttpResponseMessage? response = await SendAsync(jobId, what, grant, allowMissing, cancellationToken);
        if (response is null)
        {
            return null;
        }
        if (response.Content.Headers.ContentLength is > MaxShareBytes)
        {
            throw new InvalidDataException($"The party offers a share of {response.Content.Headers.ContentLength} bytes; at most {MaxShareBytes} are held in memory.");
        }
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private async Task<long> DownloadAsync(string jobId, string what, string grant, string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using HttpResponseMessage response = (await SendAsync(jobId, what, grant, allowMissing: false, cancellationToken))!;
        // A share of the owner's model: whole or not at all, 0600 from its first byte.
        await AtomicFile.WriteAsync(path, (file, token) => response.Content.CopyToAsync(file, token), cancellationToken: cancellationToken);
        return new FileInfo(path).Length;
    }

    /// <summary>The successful download response, or null when <paramref name="allowMissing"/> and the party has no such file (404).</summary>
    private async Task<HttpResponseMessage?> SendAsync(string jobId, string what, string grant, bool allowMissing, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentException.ThrowIfNullOrEmpty(grant);
        string uri = $"api/models/{Uri.EscapeDataString(jobId)}/{(what == ModelRequestDigest.Model ? "share" : "evaluation")}";
        byte[] challenge;
        using (var ask = new HttpRequestMessage(HttpMethod.Post, uri + "/challenge"))
        {
            ask.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
            using HttpResponseMessage answer = await party.SendAsync(ask, cancellationToken);
            if (allowMissing && answer.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            await EnsureSuccessAsync(answer, cancellationToken);
            ModelChallengeView view = await answer.Content.ReadFromJsonAsync<ModelChallengeView>(cancellationToken)
                ?? throw new InvalidDataException("The party sent an empty challenge.");
            challenge = Convert.FromBase64String(view.Challenge);
            if (challenge.Length != ModelRequestDigest.ChallengeLength)
            {
                throw new InvalidDataException($"The party's challenge is {challenge.Length} bytes, not {ModelRequestDigest.ChallengeLength}.");
            }
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        // The party id signed is the one the platform's grant names, not one the party reports: a request signed for
        // one party is refused by the other.
        request.Headers.Add(ModelRequestHeaders.Key, Convert.ToBase64String(signer.PublicKey));
        request.Headers.Add(ModelRequestHeaders.Challenge, Convert.ToBase64String(challenge));
        request.Headers.Add(ModelRequestHeaders.Signature, Convert.ToBase64String(signer.Sign(jobId, partyId, what, challenge)));
        HttpResponseMessage response = await party.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (allowMissing && response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }
        try
        {
            await EnsureSuccessAsync(response, cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        return response;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            string problem = await ProblemDetail.ReadAsync(response, cancellationToken);
            throw new HttpRequestException($"The party refused the download: {problem}", null, response.StatusCode);
        }
    }
}
