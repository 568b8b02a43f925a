using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;

namespace Imguard.Platform.Projects;

/// <summary>A project as its members (and administrators) see it; <see cref="CallerRole"/> is null for an admin who is not a member.</summary>
public sealed record ProjectInfo(
    Guid Id,
    string Name,
    string Description,
    ImageShape InputShape,
    int Classes,
    Guid CreatedBy,
    DateTimeOffset CreatedAt,
    ProjectRole? CallerRole);
