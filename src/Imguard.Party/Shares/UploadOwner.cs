namespace Imguard.Party.Shares;

/// <summary>
/// Whom an upload's bytes count against: the user and the project named by the platform-signed upload grant (never
/// the client's word). The party's storage quotas are per user and per project.
/// </summary>
/// <param name="User">The user the platform issued the grant to.</param>
/// <param name="Project">The project the dataset belongs to.</param>
public sealed record UploadOwner(string User, string Project);
