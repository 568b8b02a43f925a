namespace Imguard.Contracts.Accounts;

/// <summary>A user's platform-wide role. Stored by name, so reordering the members never changes stored data.</summary>
public enum GlobalRole
{
    /// <summary>An ordinary user: rights come from project memberships only.</summary>
    User,

    /// <summary>Manages users (roles, disabling) and sees every project's metadata; gets no data rights from this role.</summary>
    Admin,
}
