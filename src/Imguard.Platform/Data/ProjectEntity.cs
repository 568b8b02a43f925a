namespace Imguard.Platform.Data;

/// <summary>
/// Row of <c>projects</c>. Versioned: membership changes bump it, so two owners removing each other at the same
/// time cannot both succeed and leave the project without an owner.
/// </summary>
internal sealed class ProjectEntity : IVersionedEntity
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public int Channels { get; set; }

    public int Height { get; set; }

    public int Width { get; set; }

    public int Classes { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public long Version { get; set; }

    public List<ProjectMemberEntity> Members { get; set; } = [];
}
