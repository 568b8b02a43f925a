using Imguard.Platform.Projects;

namespace Imguard.Platform.Api;

/// <summary>A project; <c>role</c> is the caller's (null for an administrator who is not a member).</summary>
public sealed record ProjectView(Guid Id, string Name, string Description, int Channels, int Height, int Width, int Classes, Guid CreatedBy, DateTimeOffset CreatedAt, ProjectRole? Role)
{
    public static ProjectView From(ProjectInfo project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return new(project.Id, project.Name, project.Description, project.InputShape.Channels, project.InputShape.Height, project.InputShape.Width,
            project.Classes, project.CreatedBy, project.CreatedAt, project.CallerRole);
    }
}
