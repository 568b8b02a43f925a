using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Imguard.Contracts.Jobs;
using Imguard.Mpc.Preprocessing;

namespace Imguard.Party.Jobs;

/// <summary>
/// The party's calls to the dealer on the platform (<see cref="DealerEndpoints"/>), over mutual TLS with the party's
/// certificate. The randomness and training feeds are synchronous interfaces (a protocol takes an item where it needs
/// it), so those calls are synchronous HTTP/1.1 (<see cref="HttpClient.Send(HttpRequestMessage, HttpCompletionOption, CancellationToken)"/>).
/// A refusal becomes a <see cref="DealerRequestException"/> carrying the dealer's reason.
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

    /// <summary>GET of a binary body (synchronous).</summary>
    public byte[] GetBytes(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using HttpResponseMessage response = http.Send(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        EnsureSuccess(response, cancellationToken);
        using Stream body = response.Content.ReadAsStream(cancellationToken);
        using var buffer = new MemoryStream();
        body.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>GET of a word array (synchronous).</summary>
    public ulong[] GetWords(string path, CancellationToken cancellationToken = default)
    {
        byte[] bytes = GetBytes(path, cancellationToken);
        if (bytes.Length % 8 != 0)
        {
            throw new InvalidDataException($"The dealer sent {bytes.Length} bytes, not whole 8-byte words.");
        }
        var words = new ulong[bytes.Length / 8];
        bytes.CopyTo(MemoryMarshal.AsBytes(words.AsSpan()));
        Array.Clear(bytes);
        return words;
    }

    /// <summary>Asks for consecutive items and reads the dealer's messages, each header checked against its request (synchronous).</summary>
    public ulong[][] TakeItems(string jobId, int attempt, IReadOnlyList<(long Index, RandomnessRequest Request)> items, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, DealerEndpoints.Items(jobId, attempt))
        {
            Content = new ByteArrayContent(DealerItemRequests.Encode(items)),
        };
        request.Content.Headers.ContentType = new(DealerEndpoints.OctetStream);
        using HttpResponseMessage response = http.Send(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        EnsureSuccess(response, cancellationToken);
        using Stream body = response.Content.ReadAsStream(cancellationToken);
        var reader = new DealerStreamReader(body, MaxWordsPerItem);
        var messages = new ulong[items.Count][];
        for (int i = 0; i < items.Count; i++)
        {
            messages[i] = reader.Receive(items[i].Index, items[i].Request);
        }
        return messages;
    }

    /// <summary>Asynchronous <see cref="TakeItems"/> (for prefetching while a step runs): reads the whole reply, then checks each item.</summary>
    public async Task<ulong[][]> TakeItemsAsync(string jobId, int attempt, IReadOnlyList<(long Index, RandomnessRequest Request)> items, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, DealerEndpoints.Items(jobId, attempt))
        {
            Content = new ByteArrayContent(DealerItemRequests.Encode(items)),
        };
        request.Content.Headers.ContentType = new(DealerEndpoints.OctetStream);
        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        using var body = new MemoryStream();
        await response.Content.CopyToAsync(body, cancellationToken);
        body.Position = 0;
        var reader = new DealerStreamReader(body, MaxWordsPerItem);
        var messages = new ulong[items.Count][];
        for (int i = 0; i < items.Count; i++)
        {
            messages[i] = reader.Receive(items[i].Index, items[i].Request);
        }
        Array.Clear(body.GetBuffer());
        return messages;
    }

    private static void EnsureSuccess(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        using var reader = new StreamReader(response.Content.ReadAsStream(cancellationToken));
        throw Refusal(response.StatusCode, reader.ReadToEnd());
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
