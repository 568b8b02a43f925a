namespace Imguard.Contracts.Jobs;

/// <summary>The job id pattern every service checks before it builds a path or a URL from an id.</summary>
public static class JobIds
{
    public const int MaxLength = 128;

    /// <summary>1 to 128 characters of [A-Za-z0-9._-], starting with a letter or digit.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }
        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }
        return true;
    }
}
