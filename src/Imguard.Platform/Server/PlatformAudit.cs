using System.Security.Claims;
using Imguard.Contracts.Audit;
using Imguard.Platform.Security;
using Imguard.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Server;

/// <summary>
/// The platform's audit events, sent through the service's <see cref="AuditClient"/>. Every event names its actor
/// (<c>user:NAME</c>, <c>party:N</c>, <c>platform</c> or <c>anonymous</c>), the ids it is about, and facts that are
/// ids, sizes, counts, states and hex hashes only: never a password, a token, a grant, or text a user typed
/// (free text could trip the audit server's credential guard, which refuses the whole batch it arrives in).
/// </summary>
public sealed class PlatformAudit(AuditClient client)
{
    /// <summary>The actor of an unauthenticated request.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The platform itself (background work).</summary>
    public const string Platform = "platform";

    /// <summary>Queues one event.</summary>
    public void Emit(string eventType, string actor, IEnumerable<string>? subjects = null, IReadOnlyDictionary<string, object>? facts = null) =>
        client.Emit(eventType, actor, subjects, facts);

    /// <summary>
    /// The actor name of a user: <c>user:NAME</c>, or <c>user:ID</c> for a user name that the audit server could
    /// take for key material (32 or more characters mixing upper case, lower case and digits) and so refuse.
    /// </summary>
    public static string User(string userName, Guid userId) =>
        userName.Length >= 32 && userName.Any(char.IsAsciiLetterUpper) && userName.Any(char.IsAsciiLetterLower) && userName.Any(char.IsAsciiDigit)
            ? "user:" + userId.ToString("D")
            : "user:" + userName;

    /// <summary>The actor of an authenticated request, or <see cref="Anonymous"/>.</summary>
    public static string Actor(ClaimsPrincipal principal) =>
        PlatformClaims.TryGetUser(principal, out Guid id, out string? name) ? User(name, id) : Anonymous;

    /// <summary>The actor name of a compute party.</summary>
    public static string Party(int partyId) => "party:" + partyId;

    /// <summary>
    /// <c>access.denied</c> for a request answered 403: who, which endpoint (method and route pattern, never the
    /// query string), and the subject when the refusal is about an existing thing.
    /// </summary>
    public void Denied(HttpContext http, string? subject, string reason)
    {
        ArgumentNullException.ThrowIfNull(http);
        string route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no endpoint)";
        Emit(AuditEventTypes.PermissionDenied, Actor(http.User), subject is null ? null : [subject], new Dictionary<string, object>
        {
            ["method"] = http.Request.Method,
            ["route"] = route.Length <= 200 ? route : route[..200],
            ["reason"] = reason,
        });
    }
}
