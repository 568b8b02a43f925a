using Imguard.Contracts.Accounts;
using Imguard.Contracts.Audit;
using Imguard.Platform.Accounts;
using Imguard.Platform.Security;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Api;

/// <summary>
/// Accounts and credentials: registration, cookie login/logout for the browser, the CSRF token, and API tokens for
/// the CLI (created with user name and password, so the CLI never holds a session cookie). Login and token creation
/// are rate-limited per client address, and their password checks back off per user name and address
/// (<see cref="LoginBackoff"/>: 429 with <c>Retry-After</c>, never a lockout). An unknown user name and a wrong
/// password get the same answer in status, body, headers and (a decoy hash check) time. Audit:
/// <c>user.registered</c>, <c>user.login</c>, <c>user.login_failed</c> (actor <c>user:NAME</c> only when that user
/// exists, else <c>anonymous</c>), <c>user.logout</c>, <c>token.created</c>, <c>token.revoked</c>; never a password
/// or a token.
/// </summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder auth = routes.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/register", RegisterAsync).RequireRateLimiting(PlatformRateLimiting.Anonymous).ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/login", LoginAsync).RequireRateLimiting(PlatformRateLimiting.Anonymous);
        auth.MapPost("/logout", LogoutAsync);
        auth.MapGet("/me", MeAsync).RequireAuthorization(PlatformAuthentication.UserPolicy);
        auth.MapGet("/csrf", Csrf);
        auth.MapPost("/tokens", CreateTokenAsync).RequireRateLimiting(PlatformRateLimiting.Anonymous);
        auth.MapGet("/tokens", ListTokensAsync).RequireAuthorization(PlatformAuthentication.UserPolicy);
        auth.MapDelete("/tokens/{id:guid}", RevokeTokenAsync).RequireAuthorization(PlatformAuthentication.UserPolicy);
        return routes;
    }

    private static async Task<Results<Created<UserView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RegisterAsync(
        RegisterRequest request, HttpContext http, AccountService accounts, PlatformAudit audit, PlatformOptions options, CancellationToken cancellationToken)
    {
        if (!options.OpenRegistration)
        {
            return ApiResults.Deny(http, null, "Registration is closed on this platform; ask an administrator for an account.");
        }

        Outcome<UserInfo> created = await accounts.RegisterAsync(request.UserName ?? "", request.DisplayName, request.Password ?? "", cancellationToken);
        if (created.IsOk)
        {
            audit.Emit(AuditEventTypes.UserRegistered, PlatformAudit.User(created.Value.UserName, created.Value.Id), [$"user:{created.Value.Id:D}"]);
        }

        return ApiResults.From(created, user => TypedResults.Created("/api/auth/me", ApiViews.User(user)), http);
    }

    private static async Task<Results<Ok<UserView>, BadRequest<ProblemDetails>, UnauthorizedHttpResult, Forbidden, TooManyRequests>> LoginAsync(
        LoginRequest request, HttpContext http, AccountService accounts, LoginBackoff backoff, PlatformAudit audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var checkedLogin = await CheckPasswordAsync<UserView>(request.UserName, request.Password, http, accounts, backoff, audit, "cookie", cancellationToken);
        if (checkedLogin.User is not { } user)
        {
            return checkedLogin.Refusal!;
        }

        var principal = PlatformClaims.Principal(user, PlatformAuthentication.CookieScheme, time.GetUtcNow());
        await http.SignInAsync(PlatformAuthentication.CookieScheme, principal, new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        http.User = principal; // the CSRF token is bound to the user now logged in
        CsrfProtection.IssueToken(http);
        return TypedResults.Ok(ApiViews.User(user));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext http, PlatformAudit audit)
    {
        if (http.User.Identity is { IsAuthenticated: true, AuthenticationType: PlatformAuthentication.CookieScheme })
        {
            audit.Emit(AuditEventTypes.UserLogout, PlatformAudit.Actor(http.User));
        }

        await http.SignOutAsync(PlatformAuthentication.CookieScheme);
        CsrfProtection.ClearToken(http);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<UserView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> MeAsync(
        HttpContext http, AccountService accounts, CancellationToken cancellationToken) =>
        ApiResults.From(await accounts.GetUserAsync(http.User.RequireUserId(), cancellationToken), user => TypedResults.Ok(ApiViews.User(user)), http);

    private static Ok<CsrfTokenView> Csrf(HttpContext http) =>
        TypedResults.Ok(new CsrfTokenView(CsrfProtection.IssueToken(http), CsrfProtection.HeaderName));

    private static async Task<Results<Ok<CreatedTokenView>, BadRequest<ProblemDetails>, UnauthorizedHttpResult, Forbidden, TooManyRequests>> CreateTokenAsync(
        CreateTokenRequest request, HttpContext http, AccountService accounts, ApiTokenService tokens, LoginBackoff backoff, PlatformAudit audit,
        CancellationToken cancellationToken)
    {
        if (request.LifetimeDays is < 1)
        {
            return ApiResults.Invalid("lifetimeDays must be at least 1.");
        }

        var checkedLogin = await CheckPasswordAsync<CreatedTokenView>(request.UserName, request.Password, http, accounts, backoff, audit, "apiToken", cancellationToken);
        if (checkedLogin.User is not { } user)
        {
            return checkedLogin.Refusal!;
        }

        Outcome<CreatedApiToken> created = await tokens.CreateAsync(user.Id, request.Name ?? "",
            request.LifetimeDays is { } days ? TimeSpan.FromDays(days) : null, cancellationToken);
        if (!created.IsOk)
        {
            return created.Status == OutcomeStatus.Invalid
                ? ApiResults.Invalid(created.Error!)
                : ApiResults.Deny(http, null, created.Error!);
        }

        ApiTokenInfo info = created.Value.Info;
        audit.Emit(AuditEventTypes.ApiTokenCreated, PlatformAudit.User(user.UserName, user.Id), [$"apitoken:{info.Id:D}"], new Dictionary<string, object>
        {
            ["expiresAt"] = info.ExpiresAt.ToString("O"),
        });
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new CreatedTokenView(info.Id, info.Name, created.Value.Token, info.Prefix, info.ExpiresAt));
    }

    private static async Task<Ok<IReadOnlyList<TokenView>>> ListTokensAsync(HttpContext http, ApiTokenService tokens, CancellationToken cancellationToken)
    {
        IReadOnlyList<ApiTokenInfo> list = await tokens.ListAsync(http.User.RequireUserId(), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TokenView>>([.. list.Select(ApiViews.Token)]);
    }

    private static async Task<Results<Ok<TokenView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RevokeTokenAsync(
        Guid id, HttpContext http, ApiTokenService tokens, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<ApiTokenInfo> revoked = await tokens.RevokeAsync(http.User.RequireUserId(), id, cancellationToken);
        if (revoked.IsOk)
        {
            audit.Emit(AuditEventTypes.ApiTokenRevoked, PlatformAudit.Actor(http.User), [$"apitoken:{id:D}", $"user:{revoked.Value.UserId:D}"]);
        }

        return ApiResults.From(revoked, token => TypedResults.Ok(ApiViews.Token(token)), http, $"apitoken:{id:D}");
    }

    // The shared part of cookie login and token creation: back-off, password, audit. Returns the user, or the refusal
    // to send. Nothing here depends on whether the user name exists until the password is right, so an unknown name
    // and a wrong password are answered alike (the 401's WWW-Authenticate comes from PlatformChallenge).
    private static async Task<(UserInfo? User, Results<Ok<T>, BadRequest<ProblemDetails>, UnauthorizedHttpResult, Forbidden, TooManyRequests>? Refusal)>
        CheckPasswordAsync<T>(string? userName, string? password, HttpContext http, AccountService accounts, LoginBackoff backoff, PlatformAudit audit,
            string method, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            return (null, ApiResults.Invalid("userName and password are required."));
        }

        string address = PlatformRateLimiting.ClientAddress(http);
        if (!backoff.TryBegin(address, userName, out TimeSpan retryAfter))
        {
            return (null, TooManyRequests.Create(retryAfter));
        }

        LoginResult login = await accounts.LoginAsync(userName, password, cancellationToken);
        if (login.Succeeded)
        {
            backoff.Succeeded(address, userName);
            audit.Emit(AuditEventTypes.UserLogin, PlatformAudit.User(login.User!.UserName, login.User.Id), null,
                new Dictionary<string, object> { ["method"] = method });
            return (login.User, null);
        }

        // Name the actor only when the account exists: an unknown "user name" may be a password typed in the wrong field.
        UserInfo? known = await accounts.FindByUserNameAsync(userName, cancellationToken);
        string actor = known is null ? PlatformAudit.Anonymous : PlatformAudit.User(known.UserName, known.Id);
        audit.Emit(AuditEventTypes.UserLoginFailed, actor, null, new Dictionary<string, object>
        {
            ["method"] = method,
            ["reason"] = login.Status == LoginStatus.Disabled ? "disabled" : "credentials",
            ["knownUser"] = known is not null,
        });

        // A disabled account is told so only to whoever gave its right password.
        return login.Status == LoginStatus.Disabled
            ? (null, ApiResults.Deny(http, null, login.Message))
            : (null, TypedResults.Unauthorized());
    }
}
