using Imguard.Contracts.Projects;

namespace Imguard.Platform.Projects;

/// <summary>One member of a project.</summary>
public sealed record ProjectMemberInfo(Guid ProjectId, Guid UserId, string UserName, string DisplayName, ProjectRole Role, DateTimeOffset AddedAt);
