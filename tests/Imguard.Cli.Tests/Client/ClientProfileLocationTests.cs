using Imguard.Client.Platform;

namespace Imguard.Cli.Tests.Client;

/// <summary>
/// Where <c>imguard login</c> saves the API token. On a fresh account (no ~/.config yet) .NET's ApplicationData folder
/// is "" unless asked not to verify it, and the profile landed in the working directory — the repository root when
/// following the README, one <c>git add .</c> from a commit.
/// </summary>
public sealed class ClientProfileLocationTests
{
    [Fact]
    public void The_profile_goes_to_the_users_config_folder_even_before_it_exists()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string home = Path.Combine(Path.GetTempPath(), "imguard-home-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        string? savedHome = Environment.GetEnvironmentVariable("HOME");
        string? savedConfig = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        string? savedProfile = Environment.GetEnvironmentVariable("IMGUARD_PROFILE");
        try
        {
            Environment.SetEnvironmentVariable("HOME", home);
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", null);
            Environment.SetEnvironmentVariable("IMGUARD_PROFILE", null);
            Assert.False(Directory.Exists(Path.Combine(home, ".config")));
            Assert.Equal(Path.Combine(home, ".config", "imguard", "profile.json"), ClientProfile.DefaultPath);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HOME", savedHome);
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", savedConfig);
            Environment.SetEnvironmentVariable("IMGUARD_PROFILE", savedProfile);
            Directory.Delete(home, recursive: true);
        }
    }
}
