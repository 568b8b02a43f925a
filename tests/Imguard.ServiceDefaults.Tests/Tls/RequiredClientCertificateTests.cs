using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Imguard.ServiceDefaults.Tests.Tls;

/// <summary>A service-only server (as the audit server is): no certificate, no connection.</summary>
public class RequiredClientCertificateTests
{
    [Fact]
    public async Task A_client_without_a_certificate_cannot_connect()
    {
        using TestDeployment deployment = TestDeployment.Create();
        using var service = new ServiceContext(ServiceRole.Audit, deployment.Directory, deployment.Settings, deployment.Identity(ServiceRole.Audit));
        await using WebApplication app = ServiceHost.CreateBuilder(service, ClientCertificateMode.RequireCertificate).Build();
        app.UseServiceDefaults();
        await app.StartAsync();

        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(deployment.Directory);
        using var anonymous = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Audit)) { BaseAddress = deployment.Settings.Audit.Url };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetStringAsync("health"));

        using ServiceIdentity platform = deployment.Identity(ServiceRole.Platform);
        using var asPlatform = new HttpClient(MutualTls.CreateServiceHandler(platform, ServiceRole.Audit)) { BaseAddress = deployment.Settings.Audit.Url };
        Assert.Contains("audit", await asPlatform.GetStringAsync("health"), StringComparison.Ordinal);
    }
}
