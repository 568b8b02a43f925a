using System.CommandLine;
using Imguard.Cli.Roles;
using Imguard.Client.Consent;
using Imguard.Client.Platform;
using Imguard.Contracts.Accounts;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard login</c>: exchanges a user name and password for an API token (the password is sent once, over TLS
/// pinned to the deployment's CA, and never stored) and saves the token in the profile, readable by the user only.
/// With <c>--token-stdin</c> it saves a token made in the web UI (Account page) instead, after checking it with the
/// platform (<c>GET /api/auth/me</c>, and the token's expiry from <c>GET /api/auth/tokens</c>). Either way it then
/// registers the profile's signing key on the account when the account has none, and says which key the account holds
/// when it is another one.
/// </summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        Option<string?> profile = ProfileOptions.Create();
        Option<string> dataDir = DataDirOption.Create();
        var platform = new Option<string?>("--platform") { Description = "The platform's URL (default: from the local deployment in --data-dir)." };
        var ca = new Option<string?>("--ca") { Description = "The deployment's CA certificate (PEM) (default: from --data-dir)." };
        var user = new Option<string?>("--user") { Description = "Your user name (required unless --token-stdin)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (for scripts)." };
        var days = new Option<int?>("--days") { Description = "Token lifetime in days (the platform caps it)." };
        var tokenStdin = new Option<bool>("--token-stdin")
        {
            Description = "Read an API token made in the web UI (Account page) from standard input and save it, instead of logging in with a password.",
        };
        var command = new Command("login", "Log in to the platform and save an API token for the other commands.") { profile, dataDir, platform, ca, user, passwordStdin, days, tokenStdin };
        command.SetAction(async (parse, ct) =>
        {
            var directory = new DataDirectory(parse.GetValue(dataDir)!);
            // Parsed here: System.CommandLine has no converter for Uri (an Option<Uri?> fails on any value).
            Uri? given = parse.GetValue(platform) is { } text
                ? Uri.TryCreate(text, UriKind.Absolute, out Uri? parsed) ? parsed : throw new InvalidOperationException($"--platform '{text}' is not an absolute URL (https://host:port).")
                : null;
            Uri url = given ?? (directory.IsInitialized
                ? DeploymentSettings.Load(directory.SettingsPath).Platform.Url
                : throw new InvalidOperationException("Give --platform URL (no local deployment found in --data-dir)."));
            string caPath = parse.GetValue(ca) ?? directory.CaCertificatePath;
            if (!File.Exists(caPath))
            {
                throw new InvalidOperationException($"The CA certificate '{caPath}' is missing; give --ca (ask your operator for the deployment's ca.crt).");
            }
            string caPem = await File.ReadAllTextAsync(caPath, ct);
            string path = parse.GetValue(profile) ?? ClientProfile.DefaultPath;
            if (parse.GetValue(tokenStdin))
            {
                if (parse.GetValue(passwordStdin) || parse.GetValue(days) is not null)
                {
                    throw new InvalidOperationException("--token-stdin saves an existing token: it takes no --password-stdin or --days.");
                }
                return await SaveTokenAsync(url, caPem, (Console.In.ReadLine() ?? "").Trim(), parse.GetValue(user), path, ct);
            }
            if (parse.GetValue(user) is not { Length: > 0 })
            {
                throw new InvalidOperationException("Give --user NAME (or --token-stdin with a token from the web UI).");
            }
            string password = parse.GetValue(passwordStdin) ? (Console.In.ReadLine() ?? "") : ReadPasswordFromTerminal();
            string name = parse.GetValue(user)!;
            using var api = new PlatformApi(url, caPem, token: null);
            CreatedTokenView token = await api.CreateTokenAsync(new CreateTokenRequest(name, password, $"cli@{Environment.MachineName}", parse.GetValue(days)), ct);
            new ClientProfile { Platform = url, CaCertificatePem = caPem, UserName = name, Token = token.Token, ExpiresAt = token.ExpiresAt }.Save(path);
            Console.WriteLine($"logged in as {name} at {url} (token {token.Prefix}…, expires {token.ExpiresAt:yyyy-MM-dd}); profile {path}");
            await RegisterSigningKeyAsync(url, caPem, token.Token, path, ct);
            return 0;
        });
        return command;
    }

    // Checks the token with the platform before saving it: who it belongs to, and when it expires.
    private static async Task<int> SaveTokenAsync(Uri url, string caPem, string token, string? expectedUser, string path, CancellationToken ct)
    {
        if (!token.StartsWith("igt_", StringComparison.Ordinal) || token.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException("Standard input does not hold an API token (igt_…); copy it from the web UI's Account page.");
        }
        using var api = new PlatformApi(url, caPem, token);
        UserView me = await api.MeAsync(ct);
        if (expectedUser is { Length: > 0 } && !string.Equals(expectedUser, me.UserName, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The token belongs to {me.UserName}, not {expectedUser}.");
        }
        IReadOnlyList<TokenView> tokens = await api.ListTokensAsync(ct);
        TokenView? mine = tokens.FirstOrDefault(t => t.RevokedAt is null && token.StartsWith(t.Prefix, StringComparison.Ordinal));
        DateTimeOffset expires = mine?.ExpiresAt ?? DateTimeOffset.MaxValue;
        new ClientProfile { Platform = url, CaCertificatePem = caPem, UserName = me.UserName, Token = token, ExpiresAt = expires }.Save(path);
        Console.WriteLine($"logged in as {me.UserName} at {url} (token {mine?.Prefix ?? token[..Math.Min(12, token.Length)]}…{(mine is null ? "" : $", expires {expires:yyyy-MM-dd}")}); profile {path}");
        await RegisterSigningKeyAsync(url, caPem, token, path, ct);
        return 0;
    }

    // The key beside the profile (made now if new) becomes the account's when it has none: jobs name the creator as the
    // model's recipient by their registered key. Another key already there (a browser's, another device's) stays; the
    // line says how to replace it. The login itself is done: a platform that refuses here gets a warning, not a failure.
    private static async Task RegisterSigningKeyAsync(Uri url, string caPem, string token, string profilePath, CancellationToken ct)
    {
        using OwnerSigningKey key = OwnerSigningKey.LoadOrCreate(OwnerSigningKey.PathBeside(profilePath));
        using var api = new PlatformApi(url, caPem, token);
        try
        {
            Console.WriteLine((await SigningKeyRegistration.EnsureAsync(api, key.PublicKey, replace: false, ct)).Describe());
        }
        catch (PlatformApiException e)
        {
            await Console.Error.WriteLineAsync($"imguard: logged in, but the signing key was not registered: {e.Message} (`imguard key register` tries again)");
        }
    }

    private static string ReadPasswordFromTerminal()
    {
        if (Console.IsInputRedirected)
        {
            throw new InvalidOperationException("No terminal to ask for the password; use --password-stdin.");
        }
        Console.Write("password: ");
        var password = new System.Text.StringBuilder();
        while (true)
        {
            ConsoleKeyInfo key;
            try
            {
                key = Console.ReadKey(intercept: true);
            }
            catch (InvalidOperationException)
            {
                // The runtime's own refusal (no console to read keys from) would read as a bug in IMGuard.
                throw new InvalidOperationException("No terminal to ask for the password; use --password-stdin.");
            }
            if (key.Key == ConsoleKey.Enter)
            {
                Console.WriteLine();
                return password.ToString();
            }
            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
            {
                password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }
}
