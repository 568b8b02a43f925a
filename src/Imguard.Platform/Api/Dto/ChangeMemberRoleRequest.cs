using Imguard.Platform.Projects;

namespace Imguard.Platform.Api;

/// <summary>PUT /api/projects/{id}/members/{userId}.</summary>
public sealed record ChangeMemberRoleRequest(ProjectRole Role);
