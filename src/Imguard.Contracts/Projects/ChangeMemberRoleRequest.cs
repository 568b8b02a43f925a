
namespace Imguard.Contracts.Projects;

/// <summary>PUT /api/projects/{id}/members/{userId}.</summary>
public sealed record ChangeMemberRoleRequest(ProjectRole Role);
