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
    /// Writes <paramref name="role"/>'s bundle into <paramref name="outputDirectory"/> (created, mode 0700; it must be
    /// missing or empty) from the initialised deployment <paramref name="source"/>. Returns the files written, relative
    /// to the bundle, in order.
    /// </summary>
    public static IReadOnlyList<string> Export(DataDirectory source, ServiceRole role, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (!source.IsInitialized)
        {
            throw ServiceError.NotInitialized(source.SettingsPath);
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
        CreatePrivateDirectory(target.Root);

        var written = new List<string>();
        void Copy(string from, string to, bool privateFile)
        {
            if (!File.Exists(from))
            {
                throw ServiceError.MissingFile(Path.GetFileName(from), from);
            }
            CreatePrivateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: false);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(to, privateFile
                    ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
            written.Add(Path.GetRelativePath(target.Root, to));
        }

        // The settings are validated on the way, so a bundle never carries a file its role would refuse.
        DeploymentSettings.Load(source.SettingsPath);
        Copy(source.SettingsPath, target.SettingsPath, privateFile: false);
        Copy(source.CaCertificatePath, target.CaCertificatePath, privateFile: false);
        Copy(source.CertificatePath(role), target.CertificatePath(role), privateFile: false);
        Copy(source.KeyPath(role), target.KeyPath(role), privateFile: true);
        switch (role)
        {
            case ServiceRole.Party0 or ServiceRole.Party1:
                Copy(source.CertificatePath(ServiceRole.Platform), target.CertificatePath(ServiceRole.Platform), privateFile: false);
                break;
            case ServiceRole.Platform when File.Exists(source.AuditVerificationKeyPath):
                // Public: the platform checks the audit server's checkpoints with it before keeping copies (without
                // it the platform runs, keeping none, and says so at start).
                Copy(source.AuditVerificationKeyPath, target.AuditVerificationKeyPath, privateFile: false);
                break;
            case ServiceRole.Audit:
                Copy(source.AuditSigningKeyPath, target.AuditSigningKeyPath, privateFile: true);
                Copy(source.AuditVerificationKeyPath, target.AuditVerificationKeyPath, privateFile: false);
                break;
        }

        // What the role already stores (the platform's database from `init`; after a local trial run, its state).
        string state = source.RoleDirectory(role);
        if (Directory.Exists(state))
        {
            foreach (string file in Directory.EnumerateFiles(state, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Copy(file, Path.Combine(target.RoleDirectory(role), Path.GetRelativePath(state, file)), privateFile: true);
            }
        }
        return written;
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
