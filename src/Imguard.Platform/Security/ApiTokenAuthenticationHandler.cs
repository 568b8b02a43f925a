using System.Text.Encodings.Web;
using Imguard.Platform.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Imguard.Platform.Security;

/// <summary>
/// <c>Authorization: Bearer igt_…</c> for the CLI: the token is checked by <see cref="ApiTokenService"/> (hash
/// lookup, constant-time comparison, expiry, revocation, a disabled user). Every failure is the same 401 with
/// <c>WWW-Authenticate: Bearer realm="imguard", error="invalid_token"</c>; the reason is logged by status, never with the token.
/// Requests authenticated this way carry no ambient credential, so they need no CSRF token.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenService tokens, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiToken";

    private const string BearerPrefix = "Bearer ";

    /// <summary>True when the request presents a bearer credential (it is then authenticated by this scheme only).</summary>
    public static bool HasBearer(Microsoft.AspNetCore.Http.HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        TokenValidationResult result = await tokens.ValidateAsync(header[BearerPrefix.Length..].Trim(), Context.RequestAborted);
        if (!result.IsValid)
        {
            Logger.LogInformation("API token refused: {Status}", result.Status);
            return AuthenticateResult.Fail("The API token is not valid.");
        }

        var principal = PlatformClaims.Principal(result.User!, Scheme.Name, time.GetUtcNow(), result.TokenId);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes401;
        Response.Headers[HeaderNames.WWWAuthenticate] = HasBearer(Request) ? PlatformChallenge.InvalidTokenChallenge : PlatformChallenge.Challenge;
        return Task.CompletedTask;
    }

    private const int StatusCodes401 = Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized;
}
