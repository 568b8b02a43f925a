using System.CommandLine;
using Imguard.Audit.Server;
using Imguard.Contracts.Files;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;

namespace Imguard.Cli.Roles;

/// <summary>
/// <c>imguard init</c>: makes a deployment's data directory: settings (addresses, databases), a private CA and one
/// certificate per role, the audit server's checkpoint-signing key, the platform's database with its first
/// administrator (<c>admin</c>, whose generated password is printed once), every folder 0700 and every file 0600.
/// Refuses to overwrite an existing deployment; <c>--repair-permissions</c> on one makes it owner-only instead (what
/// an older build left readable by every local user).
/// </summary>
internal static class InitCommand
{
    public static Command Create()
    {
        Option<string> dataDir = DataDirOption.Create();
        var basePort = new Option<int>("--base-port")
        {
            Description = "Loopback ports: platform at this port, party 0 +1, party 1 +2, audit +3, the parties' peer link +4, a separate dealer +5.",
            DefaultValueFactory = _ => DeploymentSettings.DefaultBasePort,
        };
        var platformDatabase = new Option<string?>("--platform-postgres") { Description = "Keep the platform's state in this PostgreSQL database (a connection string) instead of SQLite." };
        var auditDatabase = new Option<string?>("--audit-postgres") { Description = "Keep the audit log in this PostgreSQL database (a connection string) instead of SQLite." };
        var urls = new Dictionary<ServiceRole, Option<string?>>();
        var listens = new Dictionary<ServiceRole, Option<string?>>();
        foreach (ServiceRole role in ServiceRoles.All)
        {
            string name = OptionName(role);
            urls[role] = new Option<string?>($"--{name}-url")
            {
                Description = $"The URL the other roles and clients use to reach {ServiceRoles.Name(role)} (https://host:port; its certificate carries the host). Default: 127.0.0.1 and the --base-port scheme.",
            };
            listens[role] = new Option<string?>($"--{name}-listen")
            {
                Description = $"Where {ServiceRoles.Name(role)} binds (host:port), when not the URL's host and port (e.g. 0.0.0.0:PORT behind NAT). The role's --listen / ${RoleOverrides.ListenVariable} override it per host.",
            };
        }
        var peer = new Option<string?>("--peer")
        {
            Description = "The parties' peer link, host:port on party 0's host (party 0 listens there, party 1 dials it; party 0's certificate carries the host). Default: 127.0.0.1:(base port + 4).",
        };
        Option<string> dealer = Dealer();
        var repair = new Option<bool>("--repair-permissions")
        {
            Description = "On an existing deployment: make every folder in it 0700 and every file 0600 (what older builds left readable " +
                "by other users of this host), then stop. Nothing else is changed.",
        };
        var command = new Command("init", "Create a deployment: settings, a CA and a certificate per role, the audit signing key. " +
            "For separate hosts give each role's URL, then `imguard bundle` one folder per host.")
        {
            dataDir, basePort, platformDatabase, auditDatabase, peer, dealer, repair,
        };
        foreach (ServiceRole role in ServiceRoles.All)
        {
            command.Options.Add(urls[role]);
            command.Options.Add(listens[role]);
        }
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(repair) && new DataDirectory(parse.GetValue(dataDir)!) is { IsInitialized: true } existing)
            {
                if (!DataDirectoryGuard.Admit(existing, repair: true, "init"))
                {
                    return DataDirectoryGuard.RefusedExitCode;
                }
                Console.WriteLine($"{existing.Root}: only its owner can read, write or enter anything in it");
                return 0;
            }
            OwnerOnly.RestrictProcessUmask();
            DeploymentSettings settings = DeploymentSettings.Loopback(parse.GetValue(basePort));
            Uri? dealerUrl = Url(parse.GetValue(urls[ServiceRole.Dealer]), OptionName(ServiceRole.Dealer));
            if (parse.GetValue(dealer) == DealerSeparate || dealerUrl is not null)
            {
                // Its own service at its own address: the platform no longer hosts it, the parties call it there.
                settings = settings.WithSeparateDealer(dealerUrl ?? DeploymentSettings.LoopbackDealerUrl(parse.GetValue(basePort)));
            }
            foreach (ServiceRole role in ServiceRoles.All)
            {
                string? listen = parse.GetValue(listens[role]);
                settings = settings.WithEndpoint(role, Url(parse.GetValue(urls[role]), OptionName(role)), listen is null ? null : RoleOverrides.NormalizeListen(listen));
            }
            if (parse.GetValue(peer) is { Length: > 0 } peerAddress)
            {
                settings = settings.WithPeer(RoleOverrides.NormalizeListen(peerAddress));
            }
            settings.Validate();
            if (parse.GetValue(platformDatabase) is { Length: > 0 } platform)
            {
                settings = settings with { PlatformDatabase = new DatabaseSettings { Provider = DatabaseSettings.PostgreSql, ConnectionString = platform } };
            }
            if (parse.GetValue(auditDatabase) is { Length: > 0 } audit)
            {
                settings = settings with { AuditDatabase = new DatabaseSettings { Provider = DatabaseSettings.PostgreSql, ConnectionString = audit } };
            }
            var directory = new DataDirectory(parse.GetValue(dataDir)!);
            string? adminPassword = await InitializeAsync(directory, settings, ct);
            Console.WriteLine($"IMGuard deployment created in {directory.Root}");
            Console.WriteLine($"  platform  {settings.Platform.Url}");
            Console.WriteLine($"  party 0   {settings.Parties[0].Api.Url}");
            Console.WriteLine($"  party 1   {settings.Parties[1].Api.Url}");
            Console.WriteLine($"  audit     {settings.Audit.Url}");
            Console.WriteLine(settings.Dealer is { } own ? $"  dealer    {own.Url} (its own service: imguard dealer)" : "  dealer    inside the platform");
            Console.WriteLine($"  peer link {settings.Parties[0].Peer}");
            Console.WriteLine($"  CA        {directory.CaCertificatePath} (its key {directory.CaKeyPath} is needed only to issue certificates)");
            PrintAdmin(adminPassword);
            return 0;
        });
        return command;
    }

    /// <summary>The <c>--dealer</c> value that runs the dealer as its own service.</summary>
    internal const string DealerSeparate = "separate";

    /// <summary><c>--dealer platform|separate</c>: where the dealer runs (<c>init</c>, and <c>up</c> on a new data directory).</summary>
    internal static Option<string> Dealer()
    {
        var option = new Option<string>("--dealer")
        {
            Description = "Where the dealer (the parties' correlated randomness) runs: inside the platform (platform, the default) or as its own " +
                "service (separate: `imguard dealer`, its own certificate, at --dealer-url or 127.0.0.1:(base port + 5)).",
            DefaultValueFactory = _ => "platform",
        };
        option.AcceptOnlyFromAmong("platform", DealerSeparate);
        return option;
    }

    private static Uri? Url(string? value, string name) =>
        value is null ? null
        : Uri.TryCreate(value, UriKind.Absolute, out Uri? url) ? url
        : throw new InvalidOperationException($"--{name}-url '{value}' is not an absolute URL (https://host:port).");

    /// <summary>The role's name in option names: platform, party0, party1, audit, dealer.</summary>
    internal static string OptionName(ServiceRole role) => ServiceRoles.Name(role).Replace("-", "", StringComparison.Ordinal);

    /// <summary>
    /// Writes the settings, certificates and audit key into an empty (or missing) data directory and prepares the
    /// platform's database with its first administrator. Returns that administrator's generated password (to be
    /// shown once), or null when the platform database had an administrator already.
    /// </summary>
    public static async Task<string?> InitializeAsync(DataDirectory directory, DeploymentSettings settings, CancellationToken cancellationToken)
    {
        if (directory.IsInitialized || File.Exists(directory.CaKeyPath))
        {
            throw new InvalidOperationException($"'{directory.Root}' already holds an IMGuard deployment; refusing to overwrite " +
                "its certificates and keys. Use another --data-dir, or delete the folder to start over.");
        }
        // The folder is about to hold keys: 0700, also when the operator made it beforehand (mkdir leaves it 0755).
        OwnerOnly.CreateDirectory(directory.Root);
        OwnerOnly.Narrow(directory.Root);
        // The platform database first: if it cannot be reached (PostgreSQL), nothing else has been written yet.
        var admin = await PlatformServer.InitializeAsync(directory, settings, cancellationToken);
        DeploymentPki.Create(directory, settings);
        AuditServer.CreateSigningKey(directory);
        // The settings file last: its presence is what marks the directory as initialised.
        settings.Save(directory.SettingsPath);
        return admin?.Password;
    }

    /// <summary>Prints the first administrator's credentials (once: the platform keeps only a hash).</summary>
    public static void PrintAdmin(string? password)
    {
        if (password is null)
        {
            Console.WriteLine("  admin     the platform database has an administrator already; no new password was made");
            return;
        }
        Console.WriteLine("  admin user: admin");
        Console.WriteLine($"  admin password: {password}");
        Console.WriteLine("  (shown only now: the platform keeps a hash; store it in a password manager)");
    }
}
