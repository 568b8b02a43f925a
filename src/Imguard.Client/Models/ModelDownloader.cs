using System.Net;
using System.Net.Http.Headers;
using Imguard.Contracts.Files;

namespace Imguard.Client.Models;

/// <summary>
/// Downloads one party's share of a job's model or evaluation (<c>GET /api/models/{jobId}/share|evaluation</c>) with a
/// platform-signed DownloadModel grant for that party: into memory (<see cref="FetchShareAsync"/>, what a
/// reconstruction uses: both halves of a model never meet on disk unless the owner asks to keep them) or into a file
/// (<see cref="AtomicFile"/>: written whole or not at all).
/// </summary>
public sealed class ModelDownloader(HttpClient party)
{
    /// <summary>Largest share held in memory: far above any model the spec bounds allow to be trained on two servers in practice.</summary>
    public const long MaxShareBytes = 1L << 30;

    public Task<long> DownloadShareAsync(string jobId, string grant, string path, CancellationToken cancellationToken = default) =>
        DownloadAsync($"api/models/{Uri.EscapeDataString(jobId)}/share", grant, path, cancellationToken);

    public Task<long> DownloadEvaluationAsync(string jobId, string grant, string path, CancellationToken cancellationToken = default) =>
        DownloadAsync($"api/models/{Uri.EscapeDataString(jobId)}/evaluation", grant, path, cancellationToken);

    /// <summary>This party's model share, in memory (the caller wipes it when done).</summary>
    public async Task<byte[]> FetchShareAsync(string jobId, string grant, CancellationToken cancellationToken = default) =>
        (await FetchAsync($"api/models/{Uri.EscapeDataString(jobId)}/share", grant, allowMissing: false, cancellationToken))!;

    /// <summary>This party's evaluation share (or an inference job's predictions), in memory; null when the job has none (no test set).</summary>
    public Task<byte[]?> FetchEvaluationAsync(string jobId, string grant, CancellationToken cancellationToken = default) =>
        FetchAsync($"api/models/{Uri.EscapeDataString(jobId)}/evaluation", grant, allowMissing: true, cancellationToken);

    private async Task<byte[]?> FetchAsync(string uri, string grant, bool allowMissing, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(uri, grant, allowMissing, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        if (response.Content.Headers.ContentLength is > MaxShareBytes)
        {
            throw new InvalidDataException($"The party offers a share of {response.Content.Headers.ContentLength} bytes; at most {MaxShareBytes} are held in memory.");
        }
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private async Task<long> DownloadAsync(string uri, string grant, string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using HttpResponseMessage response = await SendAsync(uri, grant, allowMissing: false, cancellationToken);
        // A share of the owner's model: whole or not at all, 0600 from its first byte.
        await AtomicFile.WriteAsync(path, (file, token) => response.Content.CopyToAsync(file, token), cancellationToken: cancellationToken);
        return new FileInfo(path).Length;
    }

    private async Task<HttpResponseMessage> SendAsync(string uri, string grant, bool allowMissing, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(grant);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        HttpResponseMessage response = await party.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode && !(allowMissing && response.StatusCode == HttpStatusCode.NotFound))
        {
            string problem = await ProblemDetail.ReadAsync(response, cancellationToken);
            HttpStatusCode status = response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"The party refused the download: {problem}", null, status);
        }
        return response;
    }
}
