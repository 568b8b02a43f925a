using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Claims;
using Imguard.Platform.Accounts;

namespace Imguard.Platform.Security;

/// <summary>
/// The claims a platform principal carries, for both schemes: the user id (<c>sub</c>, which also binds antiforgery
/// tokens to the user), the user name, and per scheme the session's password stamp and login time (cookie) or the
/// API token's id (bearer). Rights are never taken from claims: every operation asks the services, which read the
/// database.
/// </summary>
public static class PlatformClaims
{
    public const string UserId = "sub";
    public const string UserName = "name";
    public const string PasswordStamp = "pwd_at";
    public const string AuthenticatedAt = "auth_at";
    public const string TokenId = "tok";

    /// <summary>The claims of a user's session or token.</summary>
    public static ClaimsPrincipal Principal(UserInfo user, string scheme, DateTimeOffset now, Guid? tokenId = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(UserId, user.Id.ToString("D")),
            new(UserName, user.UserName),
        };
        if (tokenId is { } id)
        {
            claims.Add(new Claim(TokenId, id.ToString("D")));
        }
        else
        {
            claims.Add(new Claim(PasswordStamp, user.PasswordChangedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new Claim(AuthenticatedAt, now.UtcTicks.ToString(CultureInfo.InvariantCulture)));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, UserName, null));
    }

    /// <summary>The authenticated user's id and name.</summary>
    public static bool TryGetUser(ClaimsPrincipal? principal, out Guid userId, [NotNullWhen(true)] out string? userName)
    {
        userId = Guid.Empty;
        userName = null;
        if (principal?.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirst(UserId)?.Value, out userId)
            || principal.FindFirst(UserName)?.Value is not { Length: > 0 } name)
        {
            return false;
        }
        userName = name;
        return true;
    }

    /// <summary>The authenticated user's id; only for endpoints that require an authenticated user.</summary>
    public static Guid RequireUserId(this ClaimsPrincipal principal) =>
        TryGetUser(principal, out Guid id, out _) ? id : throw new InvalidOperationException("The endpoint requires an authenticated user.");

    /// <summary>The authenticated user's name; only for endpoints that require an authenticated user.</summary>
    public static string RequireUserName(this ClaimsPrincipal principal) =>
        TryGetUser(principal, out _, out string? name) ? name : throw new InvalidOperationException("The endpoint requires an authenticated user.");

    /// <summary>A ticks claim as a time.</summary>
    public static DateTimeOffset? Time(ClaimsPrincipal principal, string type) =>
        long.TryParse(principal?.FindFirst(type)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : null;
}
