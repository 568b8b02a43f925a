using System.Net.Http.Headers;
using Imguard.Contracts.Files;

namespace Imguard.Client.Models;

/// <summary>
/// Downloads one party's share of a job's model or evaluation (<c>GET /api/models/{jobId}/share|evaluation</c>) with a
/// platform-signed DownloadModel grant for that party, into a file (written to a temp name, then renamed).
/// </summary>
public sealed class ModelDownloader(HttpClient party)
{
    public Task<long> DownloadShareAsync(string jobId, string grant, string path, CancellationToken cancellationToken = default) =>
        DownloadAsync($"api/models/{Uri.EscapeDataString(jobId)}/share", grant, path, cancellationToken);

    public Task<long> DownloadEvaluationAsync(string jobId, string grant, string path, CancellationToken cancellationToken = default) =>
        DownloadAsync($"api/models/{Uri.EscapeDataString(jobId)}/evaluation", grant, path, cancellationToken);

    private async Task<long> DownloadAsync(string uri, string grant, string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(grant);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        using HttpResponseMessage response = await party.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The party refused the download: {await ProblemDetail.ReadAsync(response, cancellationToken)}", null, response.StatusCode);
        }
        string temp = path + ".download";
        // A share of the owner's model: 0600 from creation (a leftover temp file is narrowed too); the rename keeps it.
        await using (FileStream file = OwnerOnly.Create(temp, FileMode.Create))
        {
            await response.Content.CopyToAsync(file, cancellationToken);
            await file.FlushAsync(cancellationToken);
        }
        File.Move(temp, path, overwrite: true);
        return new FileInfo(path).Length;
    }
}
