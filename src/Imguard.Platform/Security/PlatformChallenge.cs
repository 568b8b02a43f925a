using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Imguard.Platform.Security;

/// <summary>
/// Every 401 the platform sends carries <c>WWW-Authenticate</c>, as RFC 9110 §15.5.2 requires: whatever answered
/// (the API token handler, the cookie scheme, a wrong password at login) and for endpoints added later. The
/// challenge is <see cref="Challenge"/>, <c>Bearer realm="imguard"</c> (RFC 6750), for the cookie scheme too: every
/// API endpoint accepts an API token as a bearer credential, so the challenge is true and a client can act on it;
/// there is no registered scheme for a session cookie (the web UI knows to sign in), and a browser shows no
/// password dialog for Bearer as it would for Basic. A presented token that is refused gets
/// <see cref="InvalidTokenChallenge"/> from <see cref="ApiTokenAuthenticationHandler"/>.
/// </summary>
public static class PlatformChallenge
{
    /// <summary>The challenge of a 401 without a presented token.</summary>
    public const string Challenge = "Bearer realm=\"imguard\"";

    /// <summary>The challenge of a 401 for a presented bearer token that is not valid.</summary>
    public const string InvalidTokenChallenge = "Bearer realm=\"imguard\", error=\"invalid_token\"";

    public static IApplicationBuilder UsePlatformChallenge(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode == StatusCodes.Status401Unauthorized && !http.Response.Headers.ContainsKey(HeaderNames.WWWAuthenticate))
                {
                    http.Response.Headers.WWWAuthenticate = Challenge;
                }

                return Task.CompletedTask;
            });
            return next(http);
        });
}
