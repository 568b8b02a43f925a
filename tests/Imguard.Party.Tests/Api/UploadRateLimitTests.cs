using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Uploads;
using Imguard.Party.Api;
using Imguard.Party.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;

namespace Imguard.Party.Tests.Api;

/// <summary>The upload API's rate limit per client address, on a real party server.</summary>
public class UploadRateLimitTests
{
    [Fact]
    public async Task Upload_control_calls_beyond_the_limit_get_429_with_retry_after()
    {
        using TestDeployment deployment = TestDeployment.Create();
        await using StubPlatform platform = await StubPlatform.StartAsync(deployment);
        using var service = new ServiceContext(ServiceRole.Party0, deployment.Directory, deployment.Settings, deployment.Identity(ServiceRole.Party0));
        await using WebApplication party = PartyServer.Create(service, uploadLimits: new UploadRateLimits { ControlPerMinute = 3 });
        await party.StartAsync();

        using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(deployment.Directory);
        using var http = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Party0)) { BaseAddress = deployment.Settings.Parties[0].Api.Url };
        string grant = Grant(deployment, "ds-limit");
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/uploads/") { Content = JsonContent.Create(new UploadBeginRequest("ds-limit", 1000)) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
            using HttpResponseMessage response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    private static string Grant(TestDeployment deployment, string dataset)
    {
        using ServiceIdentity identity = deployment.Identity(ServiceRole.Platform);
        using ECDsa key = identity.Certificate.GetECDsaPrivateKey()!;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return GrantToken.Sign(new Grant
        {
            Purpose = GrantPurpose.UploadDataset, Party = 0, Project = "prj", Resource = dataset, User = "alice",
            MaxBytes = 1 << 20, IssuedAt = now, ExpiresAt = now.AddMinutes(5), Nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        }, key);
    }
}
