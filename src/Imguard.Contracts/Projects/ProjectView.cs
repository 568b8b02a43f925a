
namespace Imguard.Contracts.Projects;

/// <summary>A project; <c>role</c> is the caller's (null for an administrator who is not a member).</summary>
public sealed record ProjectView(Guid Id, string Name, string Description, int Channels, int Height, int Width, int Classes, Guid CreatedBy, DateTimeOffset CreatedAt, ProjectRole? Role);
