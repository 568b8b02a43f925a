using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.ServiceDefaults.Pki;

/// <summary>
/// What a service proves and trusts: its role, its certificate with private key (presented as TLS server and as
/// client certificate) and the deployment's CA certificate (the only root it accepts from peers).
/// </summary>
public sealed class ServiceIdentity : IDisposable
{
    public ServiceIdentity(ServiceRole role, X509Certificate2 certificate, X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(authority);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("A service identity needs the certificate's private key.", nameof(certificate));
        }
        Role = role;
        Certificate = certificate;
        Authority = authority;
    }

    public ServiceRole Role { get; }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2 Authority { get; }

    /// <summary>Loads the identity of <paramref name="role"/> from a data directory made by <c>imguard init</c>.</summary>
    public static ServiceIdentity Load(DataDirectory directory, ServiceRole role)
    {
        ArgumentNullException.ThrowIfNull(directory);
        X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(directory);
        string certificatePath = directory.CertificatePath(role);
        string keyPath = directory.KeyPath(role);
        if (!File.Exists(certificatePath))
        {
            throw ServiceError.MissingFile($"{ServiceRoles.Name(role)} certificate", certificatePath);
        }
        if (!File.Exists(keyPath))
        {
            throw ServiceError.MissingFile($"{ServiceRoles.Name(role)} private key", keyPath);
        }
        X509Certificate2 certificate = CertificateAuthority.LoadCertificatePem(File.ReadAllText(certificatePath), File.ReadAllText(keyPath));
        if (!CertificateValidation.IsIssuedBy(certificate, authority) || CertificateValidation.RoleOf(certificate) != role)
        {
            throw ServiceError.BadCertificate($"{ServiceRoles.Name(role)} certificate", certificatePath,
                "it is not this deployment's certificate for that role (wrong CA or wrong name).");
        }
        return new ServiceIdentity(role, certificate, authority);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Authority.Dispose();
    }
}
