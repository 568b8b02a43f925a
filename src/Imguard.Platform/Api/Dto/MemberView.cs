using Imguard.Platform.Projects;

namespace Imguard.Platform.Api;

/// <summary>A member of a project.</summary>
public sealed record MemberView(Guid UserId, string UserName, string DisplayName, ProjectRole Role, DateTimeOffset AddedAt)
{
    public static MemberView From(ProjectMemberInfo member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new(member.UserId, member.UserName, member.DisplayName, member.Role, member.AddedAt);
    }
}
