namespace Imguard.Platform.Accounts;

/// <summary>
/// User names: 3 to 64 characters from ASCII letters, digits, '.', '_' and '-', starting with a letter or digit.
/// ASCII only, so that no two names that look alike differ (no homoglyphs), and lower-casing is the whole
/// normalisation: uniqueness ignores case.
/// </summary>
internal static class UserNameRules
{
    public const int MinLength = 3;

    public static string? Check(string? userName)
    {
        if (string.IsNullOrEmpty(userName))
        {
            return "A user name is required.";
        }

        if (userName.Length < MinLength || userName.Length > Data.PlatformDbContext.MaxUserNameLength)
        {
            return $"A user name has {MinLength} to {Data.PlatformDbContext.MaxUserNameLength} characters.";
        }

        if (!char.IsAsciiLetterOrDigit(userName[0]) || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            return "A user name uses ASCII letters, digits, '.', '_' and '-' only, and starts with a letter or digit.";
        }

        return null;
    }

    /// <summary>The form stored for uniqueness and looked up at login.</summary>
    public static string Normalize(string userName) => userName.ToLowerInvariant();
}
