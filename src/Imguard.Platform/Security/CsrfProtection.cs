using Imguard.Platform.Server;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Security;

/// <summary>
/// CSRF protection for cookie sessions: ASP.NET Core antiforgery in the double-submit form a single-page app uses.
/// The platform sets the antiforgery cookie (HttpOnly) and hands the matching request token to script in the
/// readable cookie <c>XSRF-TOKEN</c> (and in the body of <c>GET /api/auth/csrf</c>); the app sends it back in the
/// <c>X-XSRF-TOKEN</c> header. Every unsafe request (anything but GET, HEAD, OPTIONS, TRACE) authenticated by the
/// session cookie must carry a valid token, bound to the logged-in user, or it is refused with 403 (and an
/// <c>access.denied</c> event). Requests with a bearer token, or with no session, carry no ambient credential and
/// are exempt; the anonymous account endpoints (register, login) also take JSON only, which a cross-site form
/// cannot send, and the SameSite=Strict cookies are not sent cross-site at all.
/// </summary>
public static class CsrfProtection
{
    /// <summary>The cookie script reads the request token from.</summary>
    public const string TokenCookieName = "XSRF-TOKEN";

    /// <summary>The header the token comes back in.</summary>
    public const string HeaderName = "X-XSRF-TOKEN";

    /// <summary>The antiforgery cookie (HttpOnly) that the request token is checked against.</summary>
    public const string AntiforgeryCookieName = "__Host-imguard-af";

    public static IServiceCollection AddPlatformCsrf(this IServiceCollection services) =>
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = HeaderName;
            antiforgery.FormFieldName = "__xsrf";
            antiforgery.Cookie.Name = AntiforgeryCookieName;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.Path = "/";
        });

    /// <summary>
    /// Issues a token pair for the request's current user (call after signing in: tokens are bound to the user) and
    /// sets the readable <c>XSRF-TOKEN</c> cookie; returns the request token.
    /// </summary>
    public static string IssueToken(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        // Antiforgery makes a response that carries tokens uncacheable itself, and warns when it overrides cache headers
        // that were there before: SecurityHeaders' "no-store" on every /api response made a warning in the platform's
        // log at each sign-in and token fetch. Set what antiforgery would (no less strict than "no-store").
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers.Pragma = "no-cache";
        AntiforgeryTokenSet tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        string token = tokens.RequestToken!;
        http.Response.Cookies.Append(TokenCookieName, token, new CookieOptions
        {
            HttpOnly = false, // script must read it: that is the double submit
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
        });
        return token;
    }

    /// <summary>Removes the readable token cookie (at logout).</summary>
    public static void ClearToken(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Delete(TokenCookieName, new CookieOptions { Secure = true, SameSite = SameSiteMode.Strict, Path = "/" });
    }

    /// <summary>The check, after authentication and before the endpoints.</summary>
    public static IApplicationBuilder UsePlatformCsrf(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (NeedsToken(http) && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            {
                http.RequestServices.GetRequiredService<PlatformAudit>().Denied(http, null, "csrf");
                await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "CSRF check failed",
                    detail: $"A request authenticated by the session cookie must send the token from the {TokenCookieName} cookie in the {HeaderName} header (GET /api/auth/csrf issues one).")
                    .ExecuteAsync(http);
                return;
            }
            await next(http);
        });

    private static bool NeedsToken(HttpContext http) =>
        !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
          || HttpMethods.IsOptions(http.Request.Method) || HttpMethods.IsTrace(http.Request.Method))
        && http.User.Identity is { IsAuthenticated: true, AuthenticationType: PlatformAuthentication.CookieScheme };
}
