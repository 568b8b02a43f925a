namespace Imguard.Platform.Accounts;

/// <summary>
/// What a password must be (NIST SP 800-63B: length over composition rules): at least <see cref="MinLength"/>
/// characters, at most <see cref="MaxLength"/>, not the user name, not one character repeated. Messages say what to
/// change and never repeat the password.
/// </summary>
public static class PasswordPolicy
{
    /// <summary>The shortest password accepted.</summary>
    public const int MinLength = 12;

    /// <summary>The longest password accepted (a bound on the work one login request can ask for).</summary>
    public const int MaxLength = 1024;

    /// <summary>Why <paramref name="password"/> is refused for <paramref name="userName"/>, or null when it is acceptable.</summary>
    public static string? Check(string? password, string? userName)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "A password is required.";
        }

        if (password.Length < MinLength)
        {
            return $"The password is too short: use at least {MinLength} characters (a few words make a strong, memorable one).";
        }

        if (password.Length > MaxLength)
        {
            return $"The password is too long: use at most {MaxLength} characters.";
        }

        if (userName is not null && string.Equals(password.Trim(), userName.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return "The password must not be the user name.";
        }

        return password.All(c => c == password[0]) ? "The password must not be one character repeated." : null;
    }
}
