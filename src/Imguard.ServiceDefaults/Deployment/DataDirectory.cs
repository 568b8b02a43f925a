namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// The layout of a deployment's data directory (<c>--data-dir</c>, default <c>./.imguard</c>): the settings file,
/// the certificates <c>imguard init</c> made, and one folder per role for what that role stores. On a multi-host
/// deployment each host has its own copy holding only its role's folder and key (see docs/ARCHITECTURE.md).
/// </summary>
public sealed class DataDirectory
{
    /// <summary>The default, relative to the working directory.</summary>
    public const string DefaultPath = ".imguard";

    public DataDirectory(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary>The deployment settings (addresses, databases), written by <c>imguard init</c>.</summary>
    public string SettingsPath => Path.Combine(Root, "imguard.json");

    public string PkiDirectory => Path.Combine(Root, "pki");

    public string CaCertificatePath => Path.Combine(PkiDirectory, "ca.crt");

    /// <summary>The CA's private key: needed only to issue certificates; keep it off the service hosts.</summary>
    public string CaKeyPath => Path.Combine(PkiDirectory, "ca.key");

    public string CertificatePath(ServiceRole role) => Path.Combine(PkiDirectory, ServiceRoles.Name(role) + ".crt");

    public string KeyPath(ServiceRole role) => Path.Combine(PkiDirectory, ServiceRoles.Name(role) + ".key");

    /// <summary>The audit server's checkpoint-signing key (separate from its TLS key) and its public half.</summary>
    public string AuditSigningKeyPath => Path.Combine(PkiDirectory, "audit-signing.key");

    public string AuditVerificationKeyPath => Path.Combine(PkiDirectory, "audit-signing.pub");

    /// <summary>What one role stores: its database, shares, checkpoints, logs.</summary>
    public string RoleDirectory(ServiceRole role) => Path.Combine(Root, ServiceRoles.Name(role));

    public bool IsInitialized => File.Exists(SettingsPath) && File.Exists(CaCertificatePath);
}
