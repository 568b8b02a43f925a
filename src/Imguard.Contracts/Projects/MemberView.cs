
namespace Imguard.Contracts.Projects;

/// <summary>A member of a project.</summary>
public sealed record MemberView(Guid UserId, string UserName, string DisplayName, ProjectRole Role, DateTimeOffset AddedAt);
