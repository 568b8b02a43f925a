using System.Text.Json;
using Imguard.Contracts.Accounts;
using Imguard.Contracts.Audit;
using Imguard.Platform.Accounts;
using Imguard.Platform.Security;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Api;

/// <summary>
/// User administration, administrators only (the services check the caller's role on every call, so a demoted or
/// disabled admin loses these rights at once): list users, change a role, disable or re-enable, reset a password
/// (the generated password is in the response only; by default the user's API tokens are revoked with it). The last
/// active administrator cannot be demoted or disabled.
/// </summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder users = routes.MapGroup("/api/users").WithTags("Users").RequireAuthorization(PlatformAuthentication.UserPolicy);
        users.MapGet("/", ListAsync);
        users.MapPut("/{id:guid}/role", SetRoleAsync);
        users.MapPut("/{id:guid}/disabled", SetDisabledAsync);
        users.MapPost("/{id:guid}/password", ResetPasswordAsync);
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<UserView>>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ListAsync(
        HttpContext http, AccountService accounts, CancellationToken cancellationToken) =>
        ApiResults.From(await accounts.ListUsersAsync(http.User.RequireUserId(), cancellationToken),
            users => TypedResults.Ok<IReadOnlyList<UserView>>([.. users.Select(ApiViews.User)]), http);

    private static async Task<Results<Ok<UserView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> SetRoleAsync(
        Guid id, SetRoleRequest request, HttpContext http, AccountService accounts, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<UserInfo> changed = await accounts.SetRoleAsync(http.User.RequireUserId(), id, request.Role, cancellationToken);
        if (changed.IsOk)
        {
            audit.Emit(AuditEventTypes.UserRoleChanged, PlatformAudit.Actor(http.User), [$"user:{id:D}"],
                new Dictionary<string, object> { ["role"] = changed.Value.Role.ToString().ToLowerInvariant() });
        }

        return ApiResults.From(changed, user => TypedResults.Ok(ApiViews.User(user)), http, $"user:{id:D}");
    }

    private static async Task<Results<Ok<UserView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> SetDisabledAsync(
        Guid id, SetDisabledRequest request, HttpContext http, AccountService accounts, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<UserInfo> changed = await accounts.SetDisabledAsync(http.User.RequireUserId(), id, request.Disabled, cancellationToken);
        if (changed.IsOk)
        {
            audit.Emit(request.Disabled ? AuditEventTypes.UserDisabled : AuditEventTypes.UserEnabled, PlatformAudit.Actor(http.User), [$"user:{id:D}"]);
        }

        return ApiResults.From(changed, user => TypedResults.Ok(ApiViews.User(user)), http, $"user:{id:D}");
    }

    private static async Task<Results<Ok<GeneratedPasswordView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ResetPasswordAsync(
        Guid id, HttpContext http, AccountService accounts, LoginBackoff backoff, PlatformAudit audit, CancellationToken cancellationToken)
    {
        // The body is optional (older clients send none), so it is read here rather than bound.
        ResetPasswordRequest request = new();
        if (http.Request.ContentLength is > 0 || http.Request.HasJsonContentType())
        {
            try
            {
                request = await http.Request.ReadFromJsonAsync<ResetPasswordRequest>(cancellationToken) ?? request;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return ApiResults.Invalid("The body must be a JSON object such as {\"revokeTokens\": true}, or empty.");
            }
        }

        bool revokeTokens = request.RevokeTokens;
        Outcome<GeneratedCredentials> reset = await accounts.ResetPasswordAsync(http.User.RequireUserId(), id, revokeTokens, cancellationToken);
        if (reset.IsOk)
        {
            // The new password works at once from every address, also those that had failed before.
            backoff.Forget(reset.Value.User.UserName);
            audit.Emit(AuditEventTypes.UserPasswordReset, PlatformAudit.Actor(http.User), [$"user:{id:D}"], new Dictionary<string, object>
            {
                ["revokeRequested"] = revokeTokens,
                ["revokedCount"] = reset.Value.RevokedTokens,
            });
            http.Response.Headers.CacheControl = "no-store";
        }

        return ApiResults.From(reset, credentials => TypedResults.Ok(
                new GeneratedPasswordView(credentials.User.Id, credentials.User.UserName, credentials.Password, credentials.RevokedTokens)),
            http, $"user:{id:D}");
    }
}
