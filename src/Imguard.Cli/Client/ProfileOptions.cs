using System.CommandLine;
using Imguard.Client.Platform;

namespace Imguard.Cli.Client;

/// <summary>The <c>--profile</c> option of every client command, and loading the profile it names.</summary>
internal static class ProfileOptions
{
    public static Option<string?> Create() => new("--profile")
    {
        Description = "The login profile (default: $IMGUARD_PROFILE or ~/.config/imguard/profile.json).",
    };

    public static PlatformApi Connect(ParseResult parse, Option<string?> profile) =>
        PlatformApi.FromProfile(ClientProfile.Load(parse.GetValue(profile) ?? ClientProfile.DefaultPath));
}
