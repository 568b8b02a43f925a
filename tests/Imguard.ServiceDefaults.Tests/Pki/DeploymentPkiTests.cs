using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.Testing;

namespace Imguard.ServiceDefaults.Tests.Pki;

public class DeploymentPkiTests
{
    [Fact]
    public void Every_role_gets_a_certificate_from_the_deployment_CA_naming_the_role()
    {
        // The dealer as its own service, so that it is a role with a certificate too.
        using TestDeployment deployment = TestDeployment.Create(s => s.WithSeparateDealer(new Uri($"https://127.0.0.1:{s.Platform.Url.Port + 5}")));
        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(deployment.Directory);
        foreach (ServiceRole role in ServiceRoles.All)
        {
            using ServiceIdentity identity = deployment.Identity(role);
            Assert.True(identity.Certificate.HasPrivateKey);
            Assert.True(CertificateValidation.IsIssuedBy(identity.Certificate, authority));
            Assert.Equal(role, CertificateValidation.RoleOf(identity.Certificate));
        }
    }

    [Fact]
    public void A_dealer_inside_the_platform_gets_no_certificate_of_its_own()
    {
        using TestDeployment deployment = TestDeployment.Create();
        Assert.False(File.Exists(deployment.Directory.KeyPath(ServiceRole.Dealer)));
        Assert.False(File.Exists(deployment.Directory.CertificatePath(ServiceRole.Dealer)));
    }

    [Fact]
    public void Private_keys_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }
        using TestDeployment deployment = TestDeployment.Create();
        foreach (string key in new[] { deployment.Directory.CaKeyPath, deployment.Directory.KeyPath(ServiceRole.Party0) })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
    }

    [Fact]
    public void A_second_init_never_overwrites_the_CA()
    {
        using TestDeployment deployment = TestDeployment.Create();
        string before = File.ReadAllText(deployment.Directory.CaCertificatePath);
        var error = Assert.Throws<InvalidOperationException>(() => DeploymentPki.Create(deployment.Directory, deployment.Settings));
        Assert.Contains("refusing to overwrite", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(deployment.Directory.CaCertificatePath));
    }

    [Fact]
    public void A_certificate_from_another_CA_is_not_accepted()
    {
        using TestDeployment deployment = TestDeployment.Create();
        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(deployment.Directory);
        using CertificateAuthority stranger = CertificateAuthority.Create("Someone else's CA");
        using X509Certificate2 impostor = stranger.IssueCertificate("platform");
        Assert.False(CertificateValidation.IsIssuedBy(impostor, authority));
    }

    [Fact]
    public void A_role_file_swapped_for_another_roles_certificate_is_refused_at_load()
    {
        using TestDeployment deployment = TestDeployment.Create();
        File.Copy(deployment.Directory.CertificatePath(ServiceRole.Party1), deployment.Directory.CertificatePath(ServiceRole.Party0), overwrite: true);
        File.Copy(deployment.Directory.KeyPath(ServiceRole.Party1), deployment.Directory.KeyPath(ServiceRole.Party0), overwrite: true);
        var error = Assert.Throws<InvalidOperationException>(() => deployment.Identity(ServiceRole.Party0));
        Assert.Contains("wrong CA or wrong name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificates_carry_the_hosts_from_the_settings()
    {
        using TestDeployment deployment = TestDeployment.Create(s => s with { Audit = new ServiceEndpoint { Url = new Uri("https://audit.example.internal:7403") } });
        using ServiceIdentity audit = deployment.Identity(ServiceRole.Audit);
        Assert.True(audit.Certificate.MatchesHostname("audit.example.internal"));
        Assert.True(audit.Certificate.MatchesHostname("127.0.0.1"));
    }
}
