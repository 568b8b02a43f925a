using System.Security.Cryptography.X509Certificates;
using Imguard.Contracts.Files;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.ServiceDefaults.Pki;

/// <summary>
/// The deployment's certificates, made once by <c>imguard init</c>: a private CA (ECDSA P-256) and one certificate per
/// role whose name (CN and SAN) is the role's name, plus the host names from the settings. PEM files in
/// <c>pki/</c> (0700), each file readable by its owner only (0600), the public certificates too: they sit with the keys.
/// </summary>
public static class DeploymentPki
{
    /// <summary>
    /// Creates the CA and the role certificates: platform, parties, audit, and the dealer's when the settings run it as
    /// its own service (inside the platform it needs none: no key is made that no process uses). Refuses to overwrite
    /// an existing CA.
    /// </summary>
    public static void Create(DataDirectory directory, DeploymentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(settings);
        if (File.Exists(directory.CaCertificatePath) || File.Exists(directory.CaKeyPath))
        {
            throw ServiceError.AlreadyInitialized(directory.Root);
        }
        OwnerOnly.CreateDirectory(directory.PkiDirectory);
        using CertificateAuthority authority = CertificateAuthority.Create("IMGuard deployment CA");
        foreach (ServiceRole role in ServiceRoles.All.Where(role => role != ServiceRole.Dealer || settings.DealerIsSeparate))
        {
            ServiceEndpoint endpoint = settings.Endpoint(role);
            var hosts = new List<string> { endpoint.Url.Host };
            if (ServiceRoles.PartyId(role) is int party)
            {
                hosts.Add(new ServiceEndpoint { Url = endpoint.Url, Listen = settings.Parties[party].Peer }.ListenAddress().Host);
            }
            using X509Certificate2 certificate = authority.IssueCertificate(ServiceRoles.Name(role), hosts);
            (string certificatePem, string keyPem) = CertificateAuthority.ExportCertificatePem(certificate);
            AtomicFile.WriteAllText(directory.KeyPath(role), keyPem);
            AtomicFile.WriteAllText(directory.CertificatePath(role), certificatePem);
        }
        (string caPem, string caKeyPem) = authority.ExportPem();
        AtomicFile.WriteAllText(directory.CaKeyPath, caKeyPem);
        AtomicFile.WriteAllText(directory.CaCertificatePath, caPem);
    }

    /// <summary>The CA certificate (public): the one root every service and client trusts.</summary>
    public static X509Certificate2 LoadAuthorityCertificate(DataDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return LoadAuthorityCertificate(directory.CaCertificatePath);
    }

    public static X509Certificate2 LoadAuthorityCertificate(string path)
    {
        if (!File.Exists(path))
        {
            throw ServiceError.MissingFile("CA certificate", path);
        }
        X509Certificate2 authority = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        if (authority.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            authority.Dispose();
            throw ServiceError.BadCertificate("CA certificate", path, "it is not a certificate authority.");
        }
        return authority;
    }

    /// <summary>Loads another role's public certificate (e.g. the platform's, whose key signs upload tokens).</summary>
    public static X509Certificate2 LoadRoleCertificate(DataDirectory directory, ServiceRole role)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = directory.CertificatePath(role);
        if (!File.Exists(path))
        {
            throw ServiceError.MissingFile($"{ServiceRoles.Name(role)} certificate", path);
        }
        using X509Certificate2 authority = LoadAuthorityCertificate(directory);
        X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        if (!CertificateValidation.IsIssuedBy(certificate, authority) || CertificateValidation.RoleOf(certificate) != role)
        {
            certificate.Dispose();
            throw ServiceError.BadCertificate($"{ServiceRoles.Name(role)} certificate", path, "it is not this deployment's certificate for that role.");
        }
        return certificate;
    }
}
