using System.CommandLine;
using Imguard.Audit.Server;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;

namespace Imguard.Cli.Roles;

/// <summary>
/// <c>imguard init</c>: makes a deployment's data directory: settings (addresses, databases), a private CA and one
/// certificate per role, the audit server's checkpoint-signing key, the platform's database with its first
/// administrator (<c>admin</c>, whose generated password is printed once). Refuses to overwrite an existing deployment.
/// </summary>
internal static class InitCommand
{
    public static Command Create()
    {
        Option<string> dataDir = DataDirOption.Create();
        var basePort = new Option<int>("--base-port")
        {
            Description = "Loopback ports: platform at this port, party 0 +1, party 1 +2, audit +3, the parties' peer link +4.",
            DefaultValueFactory = _ => DeploymentSettings.DefaultBasePort,
        };
        var platformDatabase = new Option<string?>("--platform-postgres") { Description = "Keep the platform's state in this PostgreSQL database (a connection string) instead of SQLite." };
        var auditDatabase = new Option<string?>("--audit-postgres") { Description = "Keep the audit log in this PostgreSQL database (a connection string) instead of SQLite." };
        var command = new Command("init", "Create a deployment: settings, a CA and a certificate per role, the audit signing key.")
        {
            dataDir, basePort, platformDatabase, auditDatabase,
        };
        command.SetAction(async (parse, ct) =>
        {
            DeploymentSettings settings = DeploymentSettings.Loopback(parse.GetValue(basePort));
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
            Console.WriteLine($"  CA        {directory.CaCertificatePath} (its key {directory.CaKeyPath} is needed only to issue certificates)");
            PrintAdmin(adminPassword);
            return 0;
        });
        return command;
    }

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
        Directory.CreateDirectory(directory.Root);
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
