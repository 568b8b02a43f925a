using Imguard.Audit.Api;
using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;
using Imguard.Audit.Storage;
using Imguard.Audit.Verification;
using Imguard.Contracts.Files;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Health;
using Imguard.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imguard.Audit.Server;

/// <summary>
/// The audit server (<c>imguard audit</c>): the append-only log in its own database behind a mutual-TLS API that only
/// IMGuard services can reach (a client certificate from the deployment CA is required in the handshake). The
/// schema is migrated before the server listens; a signed checkpoint is written at the latest every
/// <see cref="DeploymentSettings.AuditCheckpointInterval"/> records, every minute while records arrive, and at shutdown,
/// each naming the one before it. The last one signed is also kept in <c>audit/last-checkpoint.json</c>, outside the
/// database, so checkpoints deleted from the database while the server was stopped show at the next signature.
/// </summary>
public static class AuditServer
{
    /// <summary>Builds the server for a data directory's audit role, with its database migrated.</summary>
    public static async Task<WebApplication> CreateAsync(ServiceContext service, string[]? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        AuditDatabase database = OpenDatabase(service.Directory, service.Settings);
        await database.MigrateAsync(cancellationToken);
        AuditSigningKey signingKey = LoadSigningKey(service.Directory);
        string roleDirectory = service.Directory.RoleDirectory(ServiceRole.Audit);
        // Owner-only, like every state folder: it holds the last checkpoint (and with SQLite the database).
        OwnerOnly.CreateDirectory(roleDirectory);

        WebApplicationBuilder builder = ServiceHost.CreateBuilder(service, ClientCertificateMode.RequireCertificate, args);
        builder.Services.AddSingleton(database);
        // /health: the ledger's database, reachable and migrated (the data directory is every role's check).
        builder.Services.AddHealthChecks().AddDatabaseCheck(database);
        builder.Services.AddSingleton(signingKey);
        builder.Services.AddSingleton(provider => new AuditLog(database, signingKey, new AuditLogOptions
        {
            CheckpointInterval = service.Settings.AuditCheckpointInterval,
            LastCheckpointPath = LastCheckpointPath(service.Directory),
        }, logger: provider.GetRequiredService<ILogger<AuditLog>>()));
        builder.Services.AddHostedService<AuditCheckpointTimer>();
        WebApplication app = builder.Build();
        app.UseServiceDefaults();
        app.MapAuditApi();
        return app;
    }

    /// <summary>Where the audit server keeps the last checkpoint it signed, outside the database.</summary>
    public static string LastCheckpointPath(DataDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Path.Combine(directory.RoleDirectory(ServiceRole.Audit), "last-checkpoint.json");
    }

    /// <summary>
    /// The last checkpoint the audit server recorded outside its database (<see cref="LastCheckpointPath"/>), as an
    /// anchor for <c>audit verify</c> — if the file is there and its signature verifies under <paramref name="key"/>;
    /// else null. Whoever can write only the database cannot change it, so against them it shows a log cut back
    /// together with its checkpoints even before the server signs again.
    /// </summary>
    public static AuditAnchor? LastCheckpointAnchor(DataDirectory directory, AuditVerificationKey key)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(key);
        AuditCheckpoint? last = LastCheckpointFile.Read(LastCheckpointPath(directory));
        return last is not null && last.KeyId == key.KeyId && last.ChainHash.Length == ChainHashing.HashSize &&
            key.Verify(ChainHashing.CheckpointMessage(last), last.Signature)
            ? new AuditAnchor(last.Sequence, last.ChainHash)
            : null;
    }

    /// <summary>The audit database the settings name (SQLite file <c>audit/audit.db</c> by default).</summary>
    public static AuditDatabase OpenDatabase(DataDirectory directory, DeploymentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(settings);
        string roleDirectory = directory.RoleDirectory(ServiceRole.Audit);
        if (settings.AuditDatabase.IsSqlite)
        {
            OwnerOnly.CreateDirectory(roleDirectory);
            string file = string.IsNullOrWhiteSpace(settings.AuditDatabase.ConnectionString)
                ? Path.Combine(roleDirectory, "audit.db")
                : settings.AuditDatabase.ConnectionString;
            return new AuditDatabase(string.IsNullOrWhiteSpace(settings.AuditDatabase.ConnectionString)
                ? AuditDatabaseOptions.ForSqlite(file)
                : new AuditDatabaseOptions { Provider = AuditDatabaseProvider.Sqlite, ConnectionString = file });
        }
        return new AuditDatabase(new AuditDatabaseOptions { Provider = AuditDatabaseProvider.PostgreSql, ConnectionString = settings.AuditDatabase.ConnectionString });
    }

    /// <summary>Makes the checkpoint-signing key pair (by <c>imguard init</c>); refuses to replace one.</summary>
    public static void CreateSigningKey(DataDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (File.Exists(directory.AuditSigningKeyPath))
        {
            throw new InvalidOperationException($"'{directory.AuditSigningKeyPath}' exists; an audit signing key is never replaced silently.");
        }
        using AuditSigningKey key = AuditSigningKey.Generate();
        OwnerOnly.CreateDirectory(directory.PkiDirectory);
        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            string pem = System.Security.Cryptography.PemEncoding.WriteString("PRIVATE KEY", pkcs8);
            using (var writer = new StreamWriter(OwnerOnly.Create(directory.AuditSigningKeyPath)))
            {
                writer.Write(pem);
            }
            OwnerOnly.WriteAllText(directory.AuditVerificationKeyPath, key.PublicKey.ExportPem());
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The audit server's private signing key.</summary>
    public static AuditSigningKey LoadSigningKey(DataDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!File.Exists(directory.AuditSigningKeyPath))
        {
            throw new InvalidOperationException($"The audit signing key is missing ('{directory.AuditSigningKeyPath}'); run `imguard init`.");
        }
        return AuditSigningKey.ImportPem(File.ReadAllText(directory.AuditSigningKeyPath));
    }

    /// <summary>The public key that checks checkpoints: what <c>imguard audit verify</c> needs, and nothing secret.</summary>
    public static AuditVerificationKey LoadVerificationKey(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The audit verification key is missing ('{path}').");
        }
        return AuditVerificationKey.FromPem(File.ReadAllText(path));
    }
}
