using System.Text;
using Microsoft.AspNetCore.Http;

namespace Imguard.Party.Api;

/// <summary>
/// Why a grant was refused and how to answer, per RFC 6750 §3: no grant → 401 with a bare <c>Bearer</c> challenge;
/// a grant that is malformed, not the platform's, or expired → 401 <c>error="invalid_token"</c>; a good grant for
/// another party, purpose or resource → 403 <c>error="insufficient_scope"</c>. The reason names what failed and
/// never echoes the token.
/// </summary>
public sealed record GrantDenial(int StatusCode, string? Error, string Reason)
{
    /// <summary>The realm of the party's challenges.</summary>
    public const string Realm = "imguard-party";

    /// <summary>No refusal.</summary>
    public static readonly GrantDenial None = new(StatusCodes.Status200OK, null, "");

    public static GrantDenial Missing(string reason) => new(StatusCodes.Status401Unauthorized, null, reason);

    public static GrantDenial Invalid(string reason) => new(StatusCodes.Status401Unauthorized, "invalid_token", reason);

    public static GrantDenial OutOfScope(string reason) => new(StatusCodes.Status403Forbidden, "insufficient_scope", reason);

    /// <summary>The <c>WWW-Authenticate</c> value: <c>Bearer realm="…"</c>, with the error and its description when there is one.</summary>
    public string Challenge => Error is null
        ? $"Bearer realm=\"{Realm}\""
        : $"Bearer realm=\"{Realm}\", error=\"{Error}\", error_description=\"{Describe(Reason)}\"";

    /// <summary>Writes the challenge on <paramref name="response"/> (RFC 6750 asks for it on 401 and 403 alike).</summary>
    public void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.WWWAuthenticate = Challenge;
    }

    // error_description allows %x20-21 / %x23-5B / %x5D-7E only (RFC 6750 §3): no quote, no backslash, ASCII.
    private static string Describe(string reason)
    {
        var text = new StringBuilder(reason.Length);
        foreach (char c in reason)
        {
            text.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '?');
        }
        return text.ToString();
    }
}
