using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.ServiceDefaults.Pki;

/// <summary>
/// Checks a peer's certificate against the deployment's CA alone (the system store is never consulted, so a
/// certificate from any public CA is refused) and reads the role it names.
/// </summary>
public static class CertificateValidation
{
    /// <summary>True if <paramref name="certificate"/> chains to <paramref name="authority"/> and is in its validity period.</summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(authority);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // A private CA with short-lived leaves and no CRL endpoint: revocation is by re-issuing (imguard init).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (!chain.Build(certificate))
        {
            return false;
        }
        X509Certificate2 root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span);
    }

    /// <summary>The service role a certificate's subject names, or null if it names none.</summary>
    public static ServiceRole? RoleOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        string name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return ServiceRoles.TryParse(name, out ServiceRole role) ? role : null;
    }
}
