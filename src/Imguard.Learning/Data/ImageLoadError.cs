namespace Imguard.Learning.Data;

/// <summary>One file that <see cref="ImageFolderReader"/> skipped: its path and why (no content).</summary>
public sealed record ImageLoadError(string FilePath, string Reason)
{
    /// <summary>"path: reason", a plain sentence for a person (not the record's member list).</summary>
    public override string ToString() => $"{FilePath}: {Reason}";
}
