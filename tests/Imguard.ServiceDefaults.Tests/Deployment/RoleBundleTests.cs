using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.Testing;

namespace Imguard.ServiceDefaults.Tests.Deployment;

public sealed class RoleBundleTests : IDisposable
{
    private readonly TestDeployment _deployment = TestDeployment.Create(settings => settings
        .WithEndpoint(ServiceRole.Platform, new Uri($"https://localhost:{settings.Platform.Url.Port}"), null));

    private readonly string _bundles = Path.Combine(Path.GetTempPath(), "imguard-bundles-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _deployment.Dispose();
        if (Directory.Exists(_bundles))
        {
            Directory.Delete(_bundles, recursive: true);
        }
    }

    [Fact]
    public void A_party_bundle_holds_its_own_key_and_public_files_only_and_loads_as_that_role()
    {
        string bundle = Path.Combine(_bundles, "party-0");
        IReadOnlyList<string> files = RoleBundle.Export(_deployment.Directory, ServiceRole.Party0, bundle);

        Assert.Equal(["imguard.json", "pki/ca.crt", "pki/party-0.crt", "pki/party-0.key", "pki/platform.crt"],
            files.Select(f => f.Replace('\\', '/')));
        Assert.Equal(files.Count, Directory.GetFiles(bundle, "*", SearchOption.AllDirectories).Length);
        Assert.Equal(["party-0.key"], Directory.GetFiles(bundle, "*.key", SearchOption.AllDirectories).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(bundle, "pki", "party-0.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(bundle));
        }

        var directory = new DataDirectory(bundle);
        Assert.True(directory.IsInitialized);
        using ServiceIdentity identity = ServiceIdentity.Load(directory, ServiceRole.Party0);
        using X509Certificate2 platform = DeploymentPki.LoadRoleCertificate(directory, ServiceRole.Platform);
        Assert.False(platform.HasPrivateKey);
        Assert.Throws<InvalidOperationException>(() => ServiceIdentity.Load(directory, ServiceRole.Party1));
    }

    [Fact]
    public void The_platform_bundle_carries_its_state_and_its_certificate_the_names_from_the_settings()
    {
        string state = _deployment.Directory.RoleDirectory(ServiceRole.Platform);
        Directory.CreateDirectory(Path.Combine(state, "keys"));
        File.WriteAllText(Path.Combine(state, "keys", "key-1.xml"), "<key/>");
        File.WriteAllText(_deployment.Directory.AuditVerificationKeyPath, "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n");
        string bundle = Path.Combine(_bundles, "platform");
        IReadOnlyList<string> files = RoleBundle.Export(_deployment.Directory, ServiceRole.Platform, bundle);

        Assert.Contains("platform/keys/key-1.xml", files.Select(f => f.Replace('\\', '/')));
        Assert.Contains("pki/audit-signing.pub", files.Select(f => f.Replace('\\', '/'))); // checks the audit checkpoints it copies
        Assert.DoesNotContain(files, f => f.EndsWith("ca.key", StringComparison.Ordinal));
        Assert.Equal(["platform.key"], Directory.GetFiles(Path.Combine(bundle, "pki"), "*.key").Select(Path.GetFileName));
        using ServiceIdentity identity = ServiceIdentity.Load(new DataDirectory(bundle), ServiceRole.Platform);
        string names = identity.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Format(false);
        Assert.Contains("localhost", names, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundle_is_written_only_into_a_new_or_empty_folder_outside_the_deployment()
    {
        string bundle = Path.Combine(_bundles, "taken");
        Directory.CreateDirectory(bundle);
        File.WriteAllText(Path.Combine(bundle, "something"), "x");
        Assert.Throws<InvalidOperationException>(() => RoleBundle.Export(_deployment.Directory, ServiceRole.Party1, bundle));
        Assert.Throws<InvalidOperationException>(() => RoleBundle.Export(_deployment.Directory, ServiceRole.Party1, Path.Combine(_deployment.Directory.Root, "inside")));
        Assert.Throws<InvalidOperationException>(() => RoleBundle.Export(new DataDirectory(Path.Combine(_bundles, "nothing")), ServiceRole.Party1, Path.Combine(_bundles, "out")));
    }
}
