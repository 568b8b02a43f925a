using Imguard.Contracts.Files;

namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// One role's share of a deployment, for the host that runs it: a data directory holding the settings
/// (<c>imguard.json</c>), the CA certificate (never the CA key), that role's own certificate and private key, the
/// public files the role needs (the parties: the platform's certificate, which verifies upload and model grants; the
/// platform: the audit server's public key, which verifies the checkpoints it keeps copies of; the audit server: its
/// checkpoint-signing key pair) and what the role already stores (e.g. the platform's database with
/// its first administrator, made by <c>imguard init</c>). No other role's private key is ever in it, so no host holds
/// a key it does not use. The role runs from it as <c>imguard ROLE --data-dir BUNDLE</c>.
/// </summary>
public static class RoleBundle
{
    /// <summary>
    /// Writes <paramref name="role"/>'s bundle into <paramref name="outputDirectory"/> (it must be missing or empty;
    /// made or narrowed to 0700, every file in it 0600, the public ones too, so it can be handed to the role's own OS
    /// user as it is) from the initialised deployment <paramref name="source"/>. Returns the files written, relative to
    /// the bundle, in order.
    /// </summary>
    public static IReadOnlyList<string> Export(DataDirectory source, ServiceRole role, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (!source.IsInitialized)
        {
            throw ServiceError.NotInitialized(source.SettingsPath);
        }
        if (role == ServiceRole.Dealer && !DeploymentSettings.Load(source.SettingsPath).DealerIsSeparate)
        {
            throw ServiceError.BadSetting("role", "this deployment's dealer runs inside the platform; it has no host of its own to bundle for.");
        }
        var target = new DataDirectory(outputDirectory);
        if (string.Equals(target.Root, source.Root, StringComparison.Ordinal) || target.Root.StartsWith(source.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw ServiceError.BadSetting("out", "a bundle goes outside the deployment's data directory.");
        }
        if (Directory.Exists(target.Root) && Directory.EnumerateFileSystemEntries(target.Root).Any())
        {
            throw ServiceError.BadSetting("out", $"'{target.Root}' is not empty; a bundle is written into a new folder.");
        }
        OwnerOnly.CreateDirectory(target.Root);
        OwnerOnly.Narrow(target.Root);

        var written = new List<string>();
        void Copy(string from, string to)
        {
            if (!File.Exists(from))
            {
                throw ServiceError.MissingFile(Path.GetFileName(from), from);
            }
            OwnerOnly.CreateDirectory(Path.GetDirectoryName(to)!);
            // Copied into a file made 0600 (File.Copy would carry over the source's mode, 0644 from an older build).
            using (FileStream source = File.OpenRead(from))
            using (FileStream copy = OwnerOnly.Create(to))
            {
                source.CopyTo(copy);
            }
            written.Add(Path.GetRelativePath(target.Root, to));
        }

        // The settings are validated on the way, so a bundle never carries a file its role would refuse.
        DeploymentSettings.Load(source.SettingsPath);
        Copy(source.SettingsPath, target.SettingsPath);
        Copy(source.CaCertificatePath, target.CaCertificatePath);
        Copy(source.CertificatePath(role), target.CertificatePath(role));
        Copy(source.KeyPath(role), target.KeyPath(role));
        switch (role)
        {
            case ServiceRole.Party0 or ServiceRole.Party1:
                Copy(source.CertificatePath(ServiceRole.Platform), target.CertificatePath(ServiceRole.Platform));
                break;
            case ServiceRole.Platform when File.Exists(source.AuditVerificationKeyPath):
                // Public: the platform checks the audit server's checkpoints with it before keeping copies (without
                // it the platform runs, keeping none, and says so at start).
                Copy(source.AuditVerificationKeyPath, target.AuditVerificationKeyPath);
                break;
            case ServiceRole.Audit:
                Copy(source.AuditSigningKeyPath, target.AuditSigningKeyPath);
                Copy(source.AuditVerificationKeyPath, target.AuditVerificationKeyPath);
                break;
        }

        // What the role already stores (the platform's database from `init`; after a local trial run, its state).
        string state = source.RoleDirectory(role);
        if (Directory.Exists(state))
        {
            foreach (string file in Directory.EnumerateFiles(state, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Copy(file, Path.Combine(target.RoleDirectory(role), Path.GetRelativePath(state, file)));
            }
        }
        return written;
    }
}
