using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Imguard.Contracts.Files;
using Imguard.Contracts.Uploads;
using Imguard.ServiceDefaults.Resilience;
using Polly;

namespace Imguard.Client.Uploads;

/// <summary>
/// Sends one share file to one party, straight from the owner's machine: in chunks, each with its SHA-256, resumable.
/// The upload id is remembered in <c>&lt;file&gt;.upload-&lt;party&gt;.json</c> beside the share file, so running the same
/// upload again (after a network failure, a party restart or Ctrl-C) asks the party where it stands and goes on from
/// there. A failed chunk is retried a few times with back-off and jitter (<see cref="Retries.UploadChunk"/>) before the upload
/// gives up.
/// </summary>
public sealed class ShareUploader
{
    // A chunk's tries (Retries.UploadChunk): no answer, 408, 429 or 5xx are tried again; a refusal (4xx) ends the upload.
    private static readonly ResiliencePipeline<HttpResponseMessage> ChunkRetries = Retries.Http(Retries.UploadChunk);
    private readonly HttpClient _party;
    private readonly int _partyId;

    /// <param name="party">A client for the party's API (base address its URL, the deployment CA pinned).</param>
    public ShareUploader(HttpClient party, int partyId)
    {
        ArgumentNullException.ThrowIfNull(party);
        _party = party;
        _partyId = partyId;
    }

    /// <summary>Uploads <paramref name="shareFile"/> as this party's half of <paramref name="datasetId"/> under <paramref name="grant"/>.</summary>
    public async Task<UploadCompletedReply> UploadAsync(string shareFile, string datasetId, string grant, IProgress<(long Sent, long Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(shareFile);
        ArgumentException.ThrowIfNullOrEmpty(grant);
        var auth = new AuthenticationHeaderValue("Bearer", grant);
        long total = new FileInfo(shareFile).Length;
        string statePath = $"{shareFile}.upload-{_partyId}.json";
        UploadStatusReply status = await ResumeOrBeginAsync(statePath, datasetId, total, auth, cancellationToken);
        await using var file = new FileStream(shareFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var buffer = new byte[status.MaxChunkBytes];
        long offset = status.CommittedBytes;
        progress?.Report((offset, total));
        while (offset < total)
        {
            file.Position = offset;
            int length = (int)Math.Min(buffer.Length, total - offset);
            await file.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken);
            string hash = Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(0, length)));
            status = await SendWithRetryAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, $"api/uploads/{status.UploadId}/chunks/{offset}")
                {
                    Content = new ByteArrayContent(buffer, 0, length),
                };
                request.Headers.Authorization = auth;
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                request.Headers.Add(UploadHeaders.ChunkSha256, hash);
                return request;
            }, cancellationToken);
            offset = status.CommittedBytes;
            progress?.Report((offset, total));
        }
        UploadCompletedReply completed = await SendAsync<UploadCompletedReply>(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/uploads/{status.UploadId}/complete");
            request.Headers.Authorization = auth;
            return request;
        }, cancellationToken);
        File.Delete(statePath);
        return completed;
    }

    private async Task<UploadStatusReply> ResumeOrBeginAsync(string statePath, string datasetId, long total, AuthenticationHeaderValue auth, CancellationToken cancellationToken)
    {
        if (File.Exists(statePath) && JsonSerializer.Deserialize<UploadStatusReply>(await File.ReadAllTextAsync(statePath, cancellationToken), JsonSerializerOptions.Web) is { } saved
            && saved.DatasetId == datasetId && saved.DeclaredBytes == total)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/uploads/{saved.UploadId}");
            request.Headers.Authorization = auth;
            using HttpResponseMessage response = await _party.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (await response.Content.ReadFromJsonAsync<UploadStatusReply>(cancellationToken))!;
            }
            // The party no longer has it (finished, aborted, or refused as invalid): start over.
        }
        UploadStatusReply begun = await SendAsync<UploadStatusReply>(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/uploads/") { Content = JsonContent.Create(new UploadBeginRequest(datasetId, total)) };
            request.Headers.Authorization = auth;
            return request;
        }, cancellationToken);
        // 0600, like the share file it sits beside.
        OwnerOnly.WriteAllText(statePath, JsonSerializer.Serialize(begun, JsonSerializerOptions.Web));
        return begun;
    }

    private async Task<UploadStatusReply> SendWithRetryAsync(Func<HttpRequestMessage> makeRequest, CancellationToken cancellationToken)
    {
        // Network trouble or a party restart: the chunk may or may not have landed; resending it is safe (the party
        // takes the same bytes at the same offset again). A new request each try: a request message is sent once.
        HttpResponseMessage response = await ChunkRetries.ExecuteAsync(async token =>
        {
            using HttpRequestMessage request = makeRequest();
            return await _party.SendAsync(request, token);
        }, cancellationToken);
        return await ReadAsync<UploadStatusReply>(response, cancellationToken);
    }

    private async Task<T> SendAsync<T>(Func<HttpRequestMessage> makeRequest, CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = makeRequest();
        return await ReadAsync<T>(await _party.SendAsync(request, cancellationToken), cancellationToken);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage answer, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = answer;
        if (!response.IsSuccessStatusCode)
        {
            string detail = await ProblemDetail.ReadAsync(response, cancellationToken);
            throw new HttpRequestException($"Party {_partyId} refused the upload ({(int)response.StatusCode}): {detail}", null, response.StatusCode);
        }
        return (await response.Content.ReadFromJsonAsync<T>(cancellationToken))!;
    }
}
