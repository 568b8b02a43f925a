namespace Imguard.Contracts.Projects;

/// <summary>A member's role in one project; <c>ProjectAccess</c> says what each may do.</summary>
public enum ProjectRole
{
    /// <summary>Sees the project, its datasets' metadata and its jobs.</summary>
    Viewer,

    /// <summary>A viewer who may also upload data.</summary>
    Contributor,

    /// <summary>Everything: members, jobs, models, deletion.</summary>
    Owner,
}
