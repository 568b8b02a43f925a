using Imguard.Platform.Accounts;

namespace Imguard.Platform.Api;

/// <summary>A user as the API shows it (never a password hash).</summary>
public sealed record UserView(Guid Id, string UserName, string DisplayName, GlobalRole Role, bool IsDisabled, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt)
{
    public static UserView From(UserInfo user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.UserName, user.DisplayName, user.Role, user.IsDisabled, user.CreatedAt, user.LastLoginAt);
    }
}
