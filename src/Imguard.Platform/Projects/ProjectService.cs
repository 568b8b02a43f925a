using Imguard.Contracts.Accounts;
using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Projects;

/// <summary>
/// Projects and their members. The creator becomes the first owner; members see only their projects
/// (administrators see every project's metadata); only owners manage members, and a project always keeps an owner.
/// Every check goes through <see cref="ProjectAccess"/>.
/// </summary>
public sealed class ProjectService
{
    /// <summary>The most classes a project may have.</summary>
    public const int MaxClasses = 1000;

    private readonly PlatformDatabase _database;
    private readonly TimeProvider _time;

    /// <param name="database">The migrated platform database.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public ProjectService(PlatformDatabase database, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates a project owned by <paramref name="userId"/>.</summary>
    public async Task<Outcome<ProjectInfo>> CreateAsync(Guid userId, NewProject request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? invalid = InputRules.Name(request.Name, "project name", PlatformDbContext.MaxNameLength)
            ?? InputRules.Text(request.Description, "description", PlatformDbContext.MaxDescriptionLength)
            ?? request.InputShape.Check()
            ?? (request.Classes is < 2 or > MaxClasses ? $"A project has 2 to {MaxClasses} classes; {request.Classes} given." : null);
        if (invalid is not null)
        {
            return PlatformError.Invalid<ProjectInfo>(invalid);
        }

        await using PlatformDbContext db = _database.CreateContext();
        if (!await db.Users.AnyAsync(u => u.Id == userId && !u.IsDisabled, cancellationToken))
        {
            return PlatformError.InactiveAccount<ProjectInfo>();
        }

        DateTimeOffset now = PlatformTime.Now(_time);
        var project = new ProjectEntity
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name.Trim(),
            Description = request.Description?.Trim() ?? "",
            Channels = request.InputShape.Channels,
            Height = request.InputShape.Height,
            Width = request.InputShape.Width,
            Classes = request.Classes,
            CreatedBy = userId,
            CreatedAt = now,
            Members = [new ProjectMemberEntity { UserId = userId, Role = ProjectRole.Owner, AddedAt = now }],
        };
        db.Projects.Add(project);
        await db.SaveChangesAsync(cancellationToken);
        return ToInfo(project, ProjectRole.Owner);
    }

    /// <summary>One project, if the user may view it (a non-member gets NotFound, as for a missing project).</summary>
    public async Task<Outcome<ProjectInfo>> GetAsync(Guid userId, Guid projectId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, projectId, ProjectPermission.View, cancellationToken);
        return check.Allowed ? ToInfo(check.Project!, check.Role) : PlatformError.Denied<ProjectInfo>(check, projectId, ProjectPermission.View);
    }

    /// <summary>The projects the user is a member of, newest first; for an active administrator, every project.</summary>
    public async Task<IReadOnlyList<ProjectInfo>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        UserEntity? user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || user.IsDisabled)
        {
            return [];
        }

        Dictionary<Guid, ProjectRole> roles = await db.ProjectMembers.AsNoTracking().Where(m => m.UserId == userId)
            .ToDictionaryAsync(m => m.ProjectId, m => m.Role, cancellationToken);
        IQueryable<ProjectEntity> query = db.Projects.AsNoTracking();
        if (user.Role != GlobalRole.Admin)
        {
            query = query.Where(p => p.Members.Any(m => m.UserId == userId));
        }

        List<ProjectEntity> projects = await query.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(cancellationToken);
        return [.. projects.Select(p => ToInfo(p, roles.TryGetValue(p.Id, out ProjectRole role) ? role : null))];
    }

    /// <summary>The members of a project, owners first.</summary>
    public async Task<Outcome<IReadOnlyList<ProjectMemberInfo>>> ListMembersAsync(Guid userId, Guid projectId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, projectId, ProjectPermission.View, cancellationToken);
        if (!check.Allowed)
        {
            return PlatformError.Denied<IReadOnlyList<ProjectMemberInfo>>(check, projectId, ProjectPermission.View);
        }

        List<ProjectMemberEntity> members = await db.ProjectMembers.AsNoTracking().Include(m => m.User)
            .Where(m => m.ProjectId == projectId).ToListAsync(cancellationToken);
        return Outcome<IReadOnlyList<ProjectMemberInfo>>.Ok(
            [.. members.OrderByDescending(m => m.Role).ThenBy(m => m.User!.NormalizedUserName, StringComparer.Ordinal).Select(ToInfo)]);
    }

    /// <summary>Adds the user named <paramref name="memberUserName"/> with <paramref name="role"/>; owners only.</summary>
    public Task<Outcome<ProjectMemberInfo>> AddMemberAsync(Guid userId, Guid projectId, string memberUserName, ProjectRole role, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(role))
        {
            return Task.FromResult(PlatformError.Invalid<ProjectMemberInfo>($"Unknown project role {role}."));
        }

        return _database.RunAsync(async db =>
        {
            ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, projectId, ProjectPermission.ManageMembers, cancellationToken);
            if (!check.Allowed)
            {
                return PlatformError.Denied<ProjectMemberInfo>(check, projectId, ProjectPermission.ManageMembers);
            }

            string normalized = UserNameRules.Check(memberUserName) is null ? UserNameRules.Normalize(memberUserName) : "";
            UserEntity? member = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
            if (member is null || member.IsDisabled)
            {
                return PlatformError.UserNotFound<ProjectMemberInfo>("with that user name (or it is disabled)");
            }

            if (await db.ProjectMembers.AnyAsync(m => m.ProjectId == projectId && m.UserId == member.Id, cancellationToken))
            {
                return PlatformError.Conflict<ProjectMemberInfo>($"{member.UserName} is a member already; change their role instead.");
            }

            var row = new ProjectMemberEntity { ProjectId = projectId, UserId = member.Id, Role = role, AddedAt = PlatformTime.Now(_time), User = member };
            db.ProjectMembers.Add(row);
            db.Touch(check.Project!);
            await db.SaveChangesAsync(cancellationToken);
            return ToInfo(row);
        }, cancellationToken);
    }

    /// <summary>Changes a member's role; owners only; the last owner cannot be demoted.</summary>
    public Task<Outcome<ProjectMemberInfo>> ChangeMemberRoleAsync(Guid userId, Guid projectId, Guid memberUserId, ProjectRole role, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(role))
        {
            return Task.FromResult(PlatformError.Invalid<ProjectMemberInfo>($"Unknown project role {role}."));
        }

        return ChangeMembershipAsync(userId, projectId, memberUserId, remove: false, role, cancellationToken);
    }

    /// <summary>
    /// Removes a member; owners may remove anyone, and any member may remove themselves (leave). The last owner
    /// cannot be removed. Returns the removed membership.
    /// </summary>
    public Task<Outcome<ProjectMemberInfo>> RemoveMemberAsync(Guid userId, Guid projectId, Guid memberUserId, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync(userId, projectId, memberUserId, remove: true, default, cancellationToken);

    private Task<Outcome<ProjectMemberInfo>> ChangeMembershipAsync(Guid userId, Guid projectId, Guid memberUserId, bool remove, ProjectRole role, CancellationToken cancellationToken) =>
        _database.RunAsync(async db =>
        {
            // Leaving needs only View; everything else ManageMembers.
            ProjectPermission needed = remove && userId == memberUserId ? ProjectPermission.View : ProjectPermission.ManageMembers;
            ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, projectId, needed, cancellationToken);
            if (!check.Allowed || (needed == ProjectPermission.View && check.Role is null))
            {
                return PlatformError.Denied<ProjectMemberInfo>(check, projectId, ProjectPermission.ManageMembers);
            }

            ProjectMemberEntity? member = await db.ProjectMembers.Include(m => m.User)
                .FirstOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == memberUserId, cancellationToken);
            if (member is null)
            {
                return PlatformError.UserNotFound<ProjectMemberInfo>($"{memberUserId} in this project");
            }

            bool losesOwner = member.Role == ProjectRole.Owner && (remove || role != ProjectRole.Owner);
            if (losesOwner && !await db.ProjectMembers.AnyAsync(
                    m => m.ProjectId == projectId && m.Role == ProjectRole.Owner && m.UserId != memberUserId, cancellationToken))
            {
                return PlatformError.LastOwner<ProjectMemberInfo>();
            }

            ProjectMemberInfo before = ToInfo(member);
            if (remove)
            {
                db.ProjectMembers.Remove(member);
            }
            else
            {
                member.Role = role;
            }

            // The project row's version serialises membership changes: of two concurrent ones, the second re-runs
            // and sees the first (so two owners cannot remove each other and leave none).
            db.Touch(check.Project!);
            await db.SaveChangesAsync(cancellationToken);
            return remove ? before : ToInfo(member);
        }, cancellationToken);

    private static ProjectInfo ToInfo(ProjectEntity p, ProjectRole? role) =>
        new(p.Id, p.Name, p.Description, new ImageShape(p.Channels, p.Height, p.Width), p.Classes, p.CreatedBy, p.CreatedAt, role);

    private static ProjectMemberInfo ToInfo(ProjectMemberEntity m) =>
        new(m.ProjectId, m.UserId, m.User!.UserName, m.User.DisplayName, m.Role, m.AddedAt);
}
