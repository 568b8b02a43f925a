namespace Imguard.Platform.Projects;

/// <summary>What a user gives to create a project: every dataset and job in it uses this input shape and class count.</summary>
public sealed record NewProject(string Name, string? Description, ImageShape InputShape, int Classes);
