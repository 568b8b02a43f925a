using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Imguard.Contracts.Jobs;
using Imguard.Mpc.Preprocessing;

namespace Imguard.Party.Jobs;

/// <summary>
/// The party's calls to the dealer (<see cref="DealerEndpoints"/>; on the platform, or on its own host), over mutual TLS with the party's
/// certificate. Every call is asynchronous: a protocol that needs an item awaits it down to the socket, so no thread
/// waits on the network. A refusal becomes a <see cref="DealerRequestException"/> carrying the dealer's reason.
/// </summary>
public sealed class DealerClient(HttpClient http)
{
    /// <summary>The longest single item accepted (words), as <see cref="DealerStreamReader"/>'s bound.</summary>
    public const long MaxWordsPerItem = 1L << 30;

    public HttpClient Http => http;

    public async Task<DealerAttemptReply> JoinAsync(string jobId, int minAttempt, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync(DealerEndpoints.Attempts(jobId), new DealerAttemptRequest(minAttempt), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<DealerAttemptReply>(cancellationToken)
            ?? throw new DealerRequestException(response.StatusCode, "The dealer sent an empty reply.");
    }

    /// <summary>
    /// The status of an attempt this party joined, waiting at the dealer for <paramref name="wait"/> (<see cref="DealerWait"/>;
    /// a long poll the dealer bounds). A <see cref="DealerRequestException"/> with 410 says the attempt is no longer live.
    /// </summary>
    public async Task<DealerAttemptStatus> StatusAsync(string jobId, int attempt, string wait, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await http.GetAsync(DealerEndpoints.Attempt(jobId, attempt, wait), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<DealerAttemptStatus>(cancellationToken)
            ?? throw new DealerRequestException(response.StatusCode, "The dealer sent an empty reply.");
    }

    /// <summary>GET of a binary body.</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>GET of a word array.</summary>
    public async Task<ulong[]> GetWordsAsync(string path, CancellationToken cancellationToken = default)
    {
        byte[] bytes = await GetBytesAsync(path, cancellationToken);
        if (bytes.Length % 8 != 0)
        {
            throw new InvalidDataException($"The dealer sent {bytes.Length} bytes, not whole 8-byte words.");
        }
        var words = new ulong[bytes.Length / 8];
        bytes.CopyTo(MemoryMarshal.AsBytes(words.AsSpan()));
        Array.Clear(bytes);
        return words;
    }

    /// <summary>
    /// Asks for consecutive items and reads the dealer's messages as they arrive (streamed, not buffered whole), each
    /// header checked against its request.
    /// </summary>
    public async Task<ulong[][]> TakeItemsAsync(string jobId, int attempt, IReadOnlyList<(long Index, RandomnessRequest Request)> items, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, DealerEndpoints.Items(jobId, attempt))
        {
            Content = new ByteArrayContent(DealerItemRequests.Encode(items)),
        };
        request.Content.Headers.ContentType = new(DealerEndpoints.OctetStream);
        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new DealerStreamReader(body, MaxWordsPerItem);
        var messages = new ulong[items.Count][];
        for (int i = 0; i < items.Count; i++)
        {
            messages[i] = await reader.ReceiveAsync(items[i].Index, items[i].Request, cancellationToken);
        }
        return messages;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw Refusal(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
    }

    private static DealerRequestException Refusal(HttpStatusCode status, string body)
    {
        string detail = $"HTTP {(int)status}";
        int? liveAttempt = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("detail", out JsonElement d) && d.ValueKind == JsonValueKind.String)
            {
                detail = d.GetString() ?? detail;
            }
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("liveAttempt", out JsonElement live)
                && live.ValueKind == JsonValueKind.Number && live.TryGetInt32(out int attempt))
            {
                liveAttempt = attempt;
            }
        }
        catch (JsonException)
        {
        }
        return new DealerRequestException(status, $"The dealer refused: {detail}") { LiveAttempt = liveAttempt };
    }
}
