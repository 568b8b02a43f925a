using Imguard.Contracts.Projects;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Data;

/// <summary>Row of <c>project_members</c>; the (project, user) pair is the key, so a user holds one role per project.</summary>
internal sealed class ProjectMemberEntity
{
    public Guid ProjectId { get; set; }

    public Guid UserId { get; set; }

    public ProjectRole Role { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    public UserEntity? User { get; set; }
}
