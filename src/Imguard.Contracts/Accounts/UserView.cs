
namespace Imguard.Contracts.Accounts;

/// <summary>A user as the API shows it (never a password hash).</summary>
public sealed record UserView(Guid Id, string UserName, string DisplayName, GlobalRole Role, bool IsDisabled, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt);
