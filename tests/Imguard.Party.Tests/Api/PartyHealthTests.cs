using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Imguard.Party.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;

namespace Imguard.Party.Tests.Api;

/// <summary>Party 0's <c>/health</c> on 127.0.0.1 with real TLS, against a stand-in platform that can go away.</summary>
public sealed class PartyHealthTests : IAsyncLifetime
{
    private const int Party = 0;
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private StubPlatform? _platform;
    private ServiceContext? _service;
    private WebApplication? _party;

    public async Task InitializeAsync()
    {
        _platform = await StubPlatform.StartAsync(_deployment);
        _service = new ServiceContext(ServiceRoles.Party(Party), _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRoles.Party(Party)));
        _party = PartyServer.Create(_service);
        await _party.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _party!.DisposeAsync();
        _service!.Dispose();
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
        _deployment.Dispose();
    }

    [Fact]
    public async Task Every_check_passes_with_the_platform_up()
    {
        (HttpStatusCode code, JsonElement reply) = await HealthAsync();
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("party-0", reply.GetProperty("role").GetString());
        Assert.Equal("ok", reply.GetProperty("status").GetString());
        Assert.Equal(
            [("data-directory", "ok"), ("platform", "ok")],
            HealthReply.Checks(reply));
    }

    [Fact]
    public async Task The_platform_gone_degrades_the_party_without_taking_it_down()
    {
        await _platform!.DisposeAsync();
        _platform = null;
        (HttpStatusCode code, JsonElement reply) = await HealthAsync();
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("degraded", reply.GetProperty("status").GetString());
        JsonElement platform = Check(reply, "platform");
        Assert.Equal("degraded", platform.GetProperty("status").GetString());
        Assert.Equal("The platform cannot be reached.", platform.GetProperty("description").GetString());
        Assert.Equal("ok", Check(reply, "data-directory").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_data_directory_that_takes_no_writes_makes_the_party_unhealthy()
    {
        // A file where the party's folder was: no write lands there, even for root (which ignores mode bits).
        string folder = _deployment.Directory.RoleDirectory(ServiceRoles.Party(Party));
        string moved = folder + ".moved";
        Directory.Move(folder, moved);
        try
        {
            File.WriteAllText(folder, "");
            (HttpStatusCode code, JsonElement reply) = await HealthAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
            Assert.Equal("unhealthy", reply.GetProperty("status").GetString());
            JsonElement check = Check(reply, "data-directory");
            Assert.Equal("unhealthy", check.GetProperty("status").GetString());
            Assert.DoesNotContain(_deployment.Directory.Root, check.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(folder);
            Directory.Move(moved, folder);
        }
    }

    private async Task<(HttpStatusCode Code, JsonElement Reply)> HealthAsync()
    {
        X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        using var http = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRoles.Party(Party))) { BaseAddress = _deployment.Settings.Parties[Party].Api.Url };
        using HttpResponseMessage response = await http.GetAsync("health");
        return await HealthReply.ReadAsync(response);
    }

    private static JsonElement Check(JsonElement reply, string name) => HealthReply.Check(reply, name);
}
