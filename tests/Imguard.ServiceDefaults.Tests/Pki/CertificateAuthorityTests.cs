using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Pki;

namespace Imguard.ServiceDefaults.Tests.Pki;

public sealed class CertificateAuthorityTests
{
    [Fact]
    public void The_CA_is_a_self_signed_P256_certificate_authority_whose_public_certificate_has_no_key()
    {
        using var ca = CertificateAuthority.Create("Test CA", TimeSpan.FromDays(30));
        X509Certificate2 cert = ca.Certificate;
        Assert.False(cert.HasPrivateKey);
        Assert.Equal("CN=Test CA", cert.Subject);
        Assert.Equal(cert.Subject, cert.Issuer);
        Assert.Equal("1.2.840.10045.2.1", cert.PublicKey.Oid.Value); // id-ecPublicKey
        using var key = cert.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        var constraints = cert.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(cert.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.InRange(cert.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));
    }

    [Fact]
    public void Issued_certificates_carry_the_role_loopback_names_both_usages_and_a_private_key()
    {
        using var ca = CertificateAuthority.Create();
        using X509Certificate2 leaf = ca.IssueCertificate("party-1");
        Assert.True(leaf.HasPrivateKey);
        Assert.Equal("CN=party-1", leaf.Subject);
        Assert.Equal(ca.Certificate.Subject, leaf.Issuer);
        Assert.True(leaf.MatchesHostname("party-1"));
        Assert.True(leaf.MatchesHostname("localhost"));
        Assert.True(leaf.MatchesHostname("127.0.0.1"));
        Assert.True(leaf.MatchesHostname("::1"));
        Assert.False(leaf.MatchesHostname("party-0"));
        var usages = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Contains(usages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.1");
        Assert.Contains(usages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(leaf.NotAfter <= ca.Certificate.NotAfter);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf));
    }

    [Fact]
    public void A_leaf_outliving_the_CA_is_cut_to_the_CA_lifetime()
    {
        using var ca = CertificateAuthority.Create(validity: TimeSpan.FromDays(2));
        using X509Certificate2 leaf = ca.IssueCertificate("party-0", TimeSpan.FromDays(365));
        Assert.Equal(ca.Certificate.NotAfter, leaf.NotAfter);
    }

    [Fact]
    public void PEM_round_trip_gives_a_CA_whose_certificates_chain_to_it_with_usable_keys()
    {
        string caCertPem, caKeyPem;
        using (var original = CertificateAuthority.Create("Round trip CA"))
        {
            (caCertPem, caKeyPem) = original.ExportPem();
        }
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", caCertPem, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", caKeyPem, StringComparison.Ordinal);

        using var ca = CertificateAuthority.LoadPem(caCertPem, caKeyPem);
        using X509Certificate2 issued = ca.IssueCertificate("party-0");
        var (leafPem, leafKeyPem) = CertificateAuthority.ExportCertificatePem(issued);
        using X509Certificate2 trusted = CertificateAuthority.LoadCertificatePem(caCertPem);
        Assert.False(trusted.HasPrivateKey);
        using X509Certificate2 leaf = CertificateAuthority.LoadCertificatePem(leafPem, leafKeyPem);
        Assert.True(leaf.HasPrivateKey);
        Assert.Equal("CN=party-0", leaf.Subject);

        // The reloaded CA signs what chains to the certificate it exported, and the reloaded key signs for the leaf.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf));
        byte[] data = [1, 2, 3];
        using var privateKey = leaf.GetECDsaPrivateKey();
        using var publicKey = leaf.GetECDsaPublicKey();
        Assert.True(publicKey!.VerifyData(data, privateKey!.SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA256), System.Security.Cryptography.HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Loading_a_leaf_as_a_CA_is_refused()
    {
        using var ca = CertificateAuthority.Create();
        var (cert, key) = CertificateAuthority.ExportCertificatePem(ca.IssueCertificate("party-0"));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.LoadPem(cert, key));
    }
}
