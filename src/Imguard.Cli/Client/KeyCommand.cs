using System.CommandLine;
using Imguard.Client.Consent;
using Imguard.Client.Platform;
using Imguard.Contracts.Consent;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard key show|register</c>: this device's signing key (beside the login profile) and the one the account has
/// registered on the platform (the key named when the user receives a model). <c>imguard login</c> registers the key
/// when the account has none; <c>register --replace</c> makes this device's key the account's over another one.
/// </summary>
internal static class KeyCommand
{
    public static Command Create()
    {
        var key = new Command("key", "Show or register this device's signing key (approvals and model requests are signed with it).");
        key.Subcommands.Add(CreateShow());
        key.Subcommands.Add(CreateRegister());
        return key;
    }

    private static Command CreateShow()
    {
        Option<string?> profile = ProfileOptions.Create();
        var command = new Command("show", "Print this device's signing key fingerprint and the key your account has registered.") { profile };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            using OwnerSigningKey device = ProfileOptions.SigningKey(parse, profile);
            Console.WriteLine($"this device: {OwnerKeys.ShortFingerprint(device.PublicKey)} (SHA-256 {OwnerKeys.Fingerprint(device.PublicKey)}), {device.Path}");
            SigningKeyView? registered = await api.GetSigningKeyAsync(ct);
            Console.WriteLine(registered is null
                ? "your account: no signing key registered (imguard key register)"
                : $"your account: {Fingerprint(registered)}, registered {registered.RegisteredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
            return 0;
        });
        return command;
    }

    private static Command CreateRegister()
    {
        Option<string?> profile = ProfileOptions.Create();
        var replace = new Option<bool>("--replace")
        {
            Description = "Replace the account's other key by this device's (jobs already waiting for the old key's signature keep waiting for it).",
        };
        var command = new Command("register", "Register this device's signing key on your account (when it has none, or with --replace).") { profile, replace };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            using OwnerSigningKey device = ProfileOptions.SigningKey(parse, profile);
            SigningKeyRegistration done = await SigningKeyRegistration.EnsureAsync(api, device.PublicKey, parse.GetValue(replace), ct);
            if (done.Outcome == SigningKeyOutcome.OtherKeyRegistered)
            {
                throw new InvalidOperationException(done.Describe());
            }
            Console.WriteLine(done.Describe());
            return 0;
        });
        return command;
    }

    private static string Fingerprint(SigningKeyView view)
    {
        try
        {
            return OwnerKeys.ShortFingerprint(Convert.FromBase64String(view.Key));
        }
        catch (FormatException)
        {
            return TerminalText.Escape(view.Fingerprint);
        }
    }
}
