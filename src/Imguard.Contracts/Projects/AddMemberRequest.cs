
namespace Imguard.Contracts.Projects;

/// <summary>POST /api/projects/{id}/members.</summary>
public sealed record AddMemberRequest(string? UserName, ProjectRole Role);
