namespace Imguard.Contracts.Projects;

/// <summary>POST /api/projects: the input shape (channels × height × width) and class count every dataset and job of the project uses.</summary>
public sealed record CreateProjectRequest(string? Name, string? Description, int Channels, int Height, int Width, int Classes);
