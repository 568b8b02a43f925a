using Imguard.Platform.Accounts;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Security;

/// <summary>
/// The platform's two authentication schemes behind one policy scheme: a request with <c>Authorization: Bearer</c>
/// is authenticated by its API token only; any other by the session cookie (HttpOnly, Secure, SameSite=Strict,
/// <c>__Host-</c> prefix, sliding expiry and a maximum lifetime). Each cookie request re-reads the user: a disabled
/// user, or a password changed since login, ends the session. Unauthenticated requests get 401 (never a redirect).
/// </summary>
public static class PlatformAuthentication
{
    /// <summary>The policy scheme that picks one of the two.</summary>
    public const string Scheme = "Imguard";

    /// <summary>The cookie scheme's name.</summary>
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "__Host-imguard-session";

    /// <summary>The authorization policy of every user endpoint: an authenticated (active) user.</summary>
    public const string UserPolicy = "PlatformUser";

    public static IServiceCollection AddPlatformAuthentication(this IServiceCollection services, PlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or API token", policy =>
                policy.ForwardDefaultSelector = http => ApiTokenAuthenticationHandler.HasBearer(http.Request) ? ApiTokenAuthenticationHandler.SchemeName : CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.Path = "/";
                cookie.ExpireTimeSpan = options.SessionIdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = context => ValidateSessionAsync(context, options),
                    OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden),
                    OnRedirectToLogout = context => Status(context, StatusCodes.Status204NoContent),
                    OnRedirectToReturnUrl = context => Status(context, StatusCodes.Status204NoContent),
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(UserPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    // The session lives only while the account is active, its password unchanged, and the login recent enough.
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context, PlatformOptions options)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        TimeProvider time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        bool valid = false;
        if (context.Principal is { } principal && PlatformClaims.TryGetUser(principal, out Guid userId, out _))
        {
            Outcome<UserInfo> user = await accounts.GetUserAsync(userId, context.HttpContext.RequestAborted);
            DateTimeOffset? stamp = PlatformClaims.Time(principal, PlatformClaims.PasswordStamp);
            DateTimeOffset? loggedIn = PlatformClaims.Time(principal, PlatformClaims.AuthenticatedAt);
            valid = user.IsOk && !user.Value.IsDisabled
                && stamp == user.Value.PasswordChangedAt.ToUniversalTime()
                && loggedIn is { } at && time.GetUtcNow() - at < options.SessionMaxLifetime;
        }
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }
}
