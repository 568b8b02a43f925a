using System.CommandLine;
using Imguard.Client.Consent;
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
        PlatformApi.FromProfile(ClientProfile.Load(PathOf(parse, profile)));

    /// <summary>The profile file the option names, or the default one.</summary>
    public static string PathOf(ParseResult parse, Option<string?> profile) => parse.GetValue(profile) ?? ClientProfile.DefaultPath;

    /// <summary>
    /// The user's consent key beside the profile (made on first use): its public half goes into every share file the
    /// user writes, so the parties bind the dataset to it.
    /// </summary>
    public static OwnerSigningKey SigningKey(ParseResult parse, Option<string?> profile) =>
        OwnerSigningKey.LoadOrCreate(OwnerSigningKey.PathBeside(PathOf(parse, profile)));
}
