using System.Text.Json;

namespace Imguard.Client;

/// <summary>Reads the human part of an RFC 9457 problem reply (title and detail) for an error message.</summary>
internal static class ProblemDetail
{
    public static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            string title = root.TryGetProperty("title", out JsonElement t) ? t.GetString() ?? "" : "";
            string detail = root.TryGetProperty("detail", out JsonElement d) ? d.GetString() ?? "" : "";
            return string.IsNullOrEmpty(detail) ? title : $"{title}: {detail}";
        }
        catch (JsonException)
        {
            return body.Length > 300 ? body[..300] : body;
        }
    }
}
