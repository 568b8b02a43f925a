namespace Imguard.Platform.Projects;

/// <summary>The answer of <see cref="ProjectAccess"/>; the HTTP layer maps it to 200, 403 or 404.</summary>
public enum AccessDecision
{
    /// <summary>The user may do it.</summary>
    Allowed,

    /// <summary>The user may see the project but not do this.</summary>
    Forbidden,

    /// <summary>The project does not exist, or the user is not a member: the two look the same, so that project
    /// ids cannot be probed.</summary>
    NotFound,
}
