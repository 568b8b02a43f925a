using Imguard.Platform.Projects;

namespace Imguard.Platform.Api;

/// <summary>POST /api/projects/{id}/members.</summary>
public sealed record AddMemberRequest(string? UserName, ProjectRole Role);
