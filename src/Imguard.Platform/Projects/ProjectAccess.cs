using Imguard.Contracts.Accounts;
using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Projects;

/// <summary>
/// The permission matrix as code, and the one check every project-scoped operation goes through.
/// <list type="table">
/// <listheader><term>role</term><description>permissions</description></listheader>
/// <item><term>Viewer</term><description>View</description></item>
/// <item><term>Contributor</term><description>View, UploadData</description></item>
/// <item><term>Owner</term><description>all</description></item>
/// <item><term>global Admin (not a member)</term><description>View only: admins manage users, they get no data rights</description></item>
/// <item><term>anyone else</term><description>nothing, and the project looks absent (not found, not forbidden)</description></item>
/// </list>
/// An admin who is also a member has the member's rights (and at least View).
/// </summary>
public static class ProjectAccess
{
    /// <summary>Whether a member with <paramref name="role"/> holds <paramref name="permission"/>.</summary>
    public static bool Grants(ProjectRole role, ProjectPermission permission) => role switch
    {
        ProjectRole.Owner => Enum.IsDefined(permission),
        ProjectRole.Contributor => permission is ProjectPermission.View or ProjectPermission.UploadData,
        ProjectRole.Viewer => permission is ProjectPermission.View,
        _ => false,
    };

    /// <summary>
    /// The decision for a user with global role <paramref name="globalRole"/> and project role
    /// <paramref name="membership"/> (null for a non-member) asking for <paramref name="permission"/>.
    /// </summary>
    public static AccessDecision Decide(GlobalRole globalRole, ProjectRole? membership, ProjectPermission permission)
    {
        bool admin = globalRole == GlobalRole.Admin;
        if (membership is null && !admin)
        {
            return AccessDecision.NotFound;
        }

        bool allowed = (membership is { } role && Grants(role, permission)) || (admin && permission == ProjectPermission.View);
        return allowed ? AccessDecision.Allowed : AccessDecision.Forbidden;
    }

    /// <summary>
    /// Loads the project and the acting user's standing in it and decides. An unknown or disabled user has no
    /// rights (the project looks absent). The project is tracked by <paramref name="db"/> when it exists.
    /// </summary>
    internal static async Task<ProjectAccessCheck> CheckAsync(PlatformDbContext db, Guid userId, Guid projectId,
        ProjectPermission permission, CancellationToken cancellationToken)
    {
        UserEntity? user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        ProjectEntity? project = await db.Projects.FirstOrDefaultAsync(p => p.Id == projectId, cancellationToken);
        if (user is null || user.IsDisabled || project is null)
        {
            return new ProjectAccessCheck(AccessDecision.NotFound, null, null);
        }

        ProjectRole? role = await db.ProjectMembers.AsNoTracking()
            .Where(m => m.ProjectId == projectId && m.UserId == userId)
            .Select(m => (ProjectRole?)m.Role)
            .FirstOrDefaultAsync(cancellationToken);
        AccessDecision decision = Decide(user.Role, role, permission);
        return new ProjectAccessCheck(decision, decision == AccessDecision.NotFound ? null : project, role);
    }
}
