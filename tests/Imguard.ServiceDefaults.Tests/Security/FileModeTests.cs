using Imguard.ServiceDefaults.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Imguard.ServiceDefaults.Tests.Security;

/// <summary>
/// What every deployment holds, under the usual umask 022: the data directory, <c>pki/</c> and each role's folder 0700;
/// keys, certificates, settings (which may carry a database password), bundles and the audit outbox 0600.
/// </summary>
public sealed class FileModeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-modes-" + Guid.NewGuid().ToString("N"));

    public FileModeTests() => FileModes.UseUsualUmask();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Init_writes_the_certificates_keys_and_settings_owner_only_in_folders_it_makes_0700()
    {
        var directory = new DataDirectory(Path.Combine(_root, "deployment"));
        DeploymentSettings settings = DeploymentSettings.Loopback(TestDeployment.FreeBasePort());
        DeploymentPki.Create(directory, settings);
        settings.Save(directory.SettingsPath);
        FileModes.AssertTreeOwnerOnly(directory.Root);
        Assert.Equal(10, Directory.GetFiles(directory.PkiDirectory).Length); // the CA and 4 roles: a certificate and a key each
    }

    [Fact]
    public void A_bundle_is_owner_only_even_when_the_deployment_it_comes_from_was_made_readable_by_an_older_build()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using TestDeployment deployment = TestDeployment.Create();
        string state = deployment.Directory.RoleDirectory(ServiceRole.Platform);
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, "platform.db"), "state");
        foreach (string path in Directory.EnumerateFileSystemEntries(deployment.Directory.Root, "*", SearchOption.AllDirectories).Append(deployment.Directory.Root))
        {
            File.SetUnixFileMode(path, Directory.Exists(path) ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
        }
        string bundle = Path.Combine(_root, "bundle");
        Directory.CreateDirectory(bundle); // made by the operator with mkdir: 0755
        RoleBundle.Export(deployment.Directory, ServiceRole.Platform, bundle);
        FileModes.AssertTreeOwnerOnly(bundle);
        Assert.True(File.Exists(Path.Combine(bundle, "platform", "platform.db")));
    }

    [Fact]
    public void The_audit_outbox_and_its_folder_are_owner_only()
    {
        string path = Path.Combine(_root, "platform", "audit-outbox.jsonl");
        using (new AuditOutbox(path))
        {
        }
        FileModes.AssertOwnerOnly(path);
        FileModes.AssertOwnerOnly(Path.GetDirectoryName(path)!);
    }

    [Fact]
    public void A_services_role_folder_is_made_0700()
    {
        using TestDeployment deployment = TestDeployment.Create();
        using var service = new ServiceContext(ServiceRole.Party1, deployment.Directory, deployment.Settings, deployment.Identity(ServiceRole.Party1));
        ServiceHost.CreateBuilder(service, ClientCertificateMode.RequireCertificate);
        FileModes.AssertOwnerOnly(service.RoleDirectory);
    }
}
