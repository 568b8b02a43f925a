using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Imguard.ServiceDefaults.Pki;

/// <summary>
/// A small private certificate authority for one IMGuard deployment: it issues the certificates the parties (and services)
/// present to each other in mutual TLS. ECDSA P-256 throughout. The CA's private key never leaves this object except
/// through <see cref="ExportPem"/>; <see cref="Certificate"/> is the public certificate only, the one to trust.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly TimeSpan DefaultCaValidity = TimeSpan.FromDays(5 * 365);
    private static readonly TimeSpan DefaultLeafValidity = TimeSpan.FromDays(365);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly X509Certificate2 _signer;

    private CertificateAuthority(X509Certificate2 signer)
    {
        _signer = signer;
        Certificate = X509CertificateLoader.LoadCertificate(signer.RawData);
    }

    /// <summary>
    /// The CA certificate without its private key: the one root that services, clients and the parties' peer link
    /// (<c>TlsPeerOptions.TrustedAuthority</c> in Imguard.Mpc) trust.
    /// </summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a new self-signed CA (ECDSA P-256, basic constraints CA with path length 0, key usage certificate signing).</summary>
    public static CertificateAuthority Create(string name = "IMGuard CA", TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        TimeSpan lifetime = validity ?? DefaultCaValidity;
        if (lifetime <= TimeSpan.Zero)
        {
            throw ServiceError.InvalidOption(nameof(validity), "the validity must be positive.");
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(name);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 created = request.CreateSelfSigned(now - ClockSkew, now + lifetime);
        return new CertificateAuthority(Persistable(created));
    }

    /// <summary>
    /// Issues a leaf certificate for <paramref name="roleName"/> (e.g. <c>party-0</c>), with its private key, usable by
    /// <see cref="System.Net.Security.SslStream"/> as a server or client certificate: ECDSA P-256, subject CN and SAN DNS
    /// <paramref name="roleName"/>, SAN also <c>localhost</c>, 127.0.0.1 and ::1, EKU server and client authentication.
    /// Its validity ends no later than the CA's.
    /// </summary>
    public X509Certificate2 IssueCertificate(string roleName, TimeSpan? validity = null) =>
        IssueCertificate(roleName, [], validity);

    /// <summary>
    /// As <see cref="IssueCertificate(string, TimeSpan?)"/>, with more subject alternative names: the host names or IP
    /// addresses the role is reached at when it runs on its own host.
    /// </summary>
    public X509Certificate2 IssueCertificate(string roleName, IEnumerable<string> hostNames, TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roleName);
        ArgumentNullException.ThrowIfNull(hostNames);
        TimeSpan lifetime = validity ?? DefaultLeafValidity;
        if (lifetime <= TimeSpan.Zero)
        {
            throw ServiceError.InvalidOption(nameof(validity), "the validity must be positive.");
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(roleName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(roleName);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (string host in hostNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host, out IPAddress? address))
            {
                if (!IPAddress.IsLoopback(address))
                {
                    names.AddIpAddress(address);
                }
            }
            else if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && !string.Equals(host, roleName, StringComparison.OrdinalIgnoreCase))
            {
                names.AddDnsName(host);
            }
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_signer, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        DateTimeOffset now = DateTimeOffset.UtcNow;
        DateTimeOffset notAfter = now + lifetime;
        if (notAfter > _signer.NotAfter.ToUniversalTime())
        {
            notAfter = _signer.NotAfter.ToUniversalTime();
        }
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using X509Certificate2 issued = request.Create(_signer, now - ClockSkew, notAfter, serial);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
        return Persistable(withKey);
    }

    /// <summary>The CA certificate and its PKCS#8 private key, PEM-encoded (the key unencrypted: protect the file).</summary>
    public (string CertificatePem, string PrivateKeyPem) ExportPem() => ExportCertificatePem(_signer);

    /// <summary>Loads a CA written by <see cref="ExportPem"/>.</summary>
    public static CertificateAuthority LoadPem(string certificatePem, string privateKeyPem)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        using X509Certificate2 loaded = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        if (loaded.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            throw ServiceError.InvalidOption(nameof(certificatePem), "the certificate is not a certificate authority.");
        }
        return new CertificateAuthority(Persistable(loaded));
    }

    /// <summary>A certificate and, if it has one, its PKCS#8 private key, PEM-encoded (the key unencrypted; empty if none).</summary>
    public static (string CertificatePem, string PrivateKeyPem) ExportCertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        string certificatePem = certificate.ExportCertificatePem();
        using ECDsa? key = certificate.GetECDsaPrivateKey();
        return (certificatePem, key?.ExportPkcs8PrivateKeyPem() ?? string.Empty);
    }

    /// <summary>
    /// Loads a certificate from PEM, with its private key if <paramref name="privateKeyPem"/> is given, in a form
    /// <see cref="System.Net.Security.SslStream"/> can use.
    /// </summary>
    public static X509Certificate2 LoadCertificatePem(string certificatePem, string? privateKeyPem = null)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        if (string.IsNullOrEmpty(privateKeyPem))
        {
            return X509Certificate2.CreateFromPem(certificatePem);
        }
        using X509Certificate2 loaded = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        return Persistable(loaded);
    }

    public void Dispose()
    {
        _signer.Dispose();
        Certificate.Dispose();
    }

    /// <summary>
    /// Round-trips a certificate with its key through PKCS#12 (ephemeral random password), which gives a key that TLS can
    /// use on every platform (an ephemeral key object is refused by SChannel, and this keeps Linux and Windows alike).
    /// </summary>
    private static X509Certificate2 Persistable(X509Certificate2 certificate)
    {
        string password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        byte[] pkcs12 = certificate.Export(X509ContentType.Pkcs12, password);
        try
        {
            return X509CertificateLoader.LoadPkcs12(pkcs12, password, X509KeyStorageFlags.Exportable);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs12);
        }
    }
}
