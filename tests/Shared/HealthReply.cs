using System.Net;
using System.Text.Json;

namespace Imguard.Testing;

/// <summary>
/// A service's <c>GET /health</c> answer as the role tests read it: the status code and the
/// <c>{role, status, checks: [{name, status, description}]}</c> body, and its checks by name.
/// </summary>
internal static class HealthReply
{
    /// <summary>The status code and the parsed body of a health response.</summary>
    public static async Task<(HttpStatusCode Code, JsonElement Reply)> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>Every check as (name, status), in the order the service lists them.</summary>
    public static IEnumerable<(string? Name, string? Status)> Checks(JsonElement reply) =>
        reply.GetProperty("checks").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("status").GetString()));

    /// <summary>The one check named <paramref name="name"/>.</summary>
    public static JsonElement Check(JsonElement reply, string name) =>
        reply.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
}
