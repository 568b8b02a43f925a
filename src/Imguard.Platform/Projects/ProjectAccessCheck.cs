using Imguard.Contracts.Projects;
using Imguard.Platform.Data;

namespace Imguard.Platform.Projects;

/// <summary>What <see cref="ProjectAccess.CheckAsync"/> found: the decision, the project (unless it must look absent)
/// and the caller's role in it (null for a non-member).</summary>
internal sealed record ProjectAccessCheck(AccessDecision Decision, ProjectEntity? Project, ProjectRole? Role)
{
    public bool Allowed => Decision == AccessDecision.Allowed;
}
