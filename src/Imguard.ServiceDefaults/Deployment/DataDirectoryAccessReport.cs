namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// What <see cref="DataDirectoryAccess.Inspect"/> found under a data directory: the paths that give group or others any
/// access, and those that belong to another user than this process's (both in walk order, the root first).
/// </summary>
public sealed record DataDirectoryAccessReport(string Root, IReadOnlyList<string> OpenToOthers, IReadOnlyList<string> OwnedByOthers, uint? ProcessUser)
{
    /// <summary>Nobody but this process's user can read, write or enter anything in it.</summary>
    public bool IsPrivate => OpenToOthers.Count == 0 && OwnedByOthers.Count == 0;
}
