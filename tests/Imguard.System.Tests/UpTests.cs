using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;

namespace Imguard.SystemTests;

/// <summary><c>imguard init</c> and <c>imguard up</c> as a newcomer runs them, on free loopback ports.</summary>
public class UpTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    /// <remarks>
    /// Started as a script starts it in the background (<c>bash -c 'imguard up … &amp; …; kill -INT $pid'</c>): bash gives
    /// a background job SIGINT ignored, which .NET would keep ignoring; Ctrl-C from a terminal (SIGINT not ignored)
    /// reaches the same handler, so this one run covers both.
    /// </remarks>
    [Fact]
    public async Task Up_initialises_starts_every_role_prints_the_URL_and_stops_on_SIGINT_also_as_a_scripts_background_job()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-up-" + Guid.NewGuid().ToString("N"));
        int basePort = TestDeployment.FreeBasePort();
        try
        {
            await using ImguardProcess up = ImguardProcess.StartAsBackgroundJob("up", "--data-dir", root, "--base-port", basePort.ToString());
            await up.WaitForLineAsync("IMGuard is up: https://127.0.0.1:" + basePort, Bound);
            // The job really started as bash starts a background job: SIGQUIT (signal 3: bit 2) is still ignored. SIGINT
            // was too, until imguard took it back (InterruptSignal).
            Assert.NotEqual(0UL, up.BackgroundJobIgnoredSignals & (1UL << 2));

            var directory = new DataDirectory(root);
            DeploymentSettings settings = DeploymentSettings.Load(directory.SettingsPath);
            using ServiceIdentity platform = ServiceIdentity.Load(directory, ServiceRole.Platform);
            foreach (ServiceRole role in new[] { ServiceRole.Audit, ServiceRole.Platform, ServiceRole.Party0, ServiceRole.Party1 })
            {
                using var http = new HttpClient(MutualTls.CreateServiceHandler(platform, role)) { BaseAddress = settings.Endpoint(role).Url };
                Assert.Contains(ServiceRoles.Name(role), await http.GetStringAsync("health"), StringComparison.Ordinal);
            }

            // Every role's endpoint refuses plain TCP and a client certificate from another CA, before any request.
            using (CertificateAuthority stranger = CertificateAuthority.Create("Someone else's CA"))
            using (X509Certificate2 impostorCertificate = stranger.IssueCertificate("platform"))
            using (var impostor = new ServiceIdentity(ServiceRole.Platform, impostorCertificate, DeploymentPki.LoadAuthorityCertificate(directory)))
            {
                foreach (ServiceRole role in ServiceRoles.All)
                {
                    Uri url = settings.Endpoint(role).Url;
                    using var plain = new HttpClient { BaseAddress = new Uri($"http://{url.Host}:{url.Port}"), Timeout = TimeSpan.FromSeconds(10) };
                    await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetStringAsync("health"));
                    using var foreign = new HttpClient(MutualTls.CreateServiceHandler(impostor, role)) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
                    await Assert.ThrowsAnyAsync<HttpRequestException>(() => foreign.GetStringAsync("health"));
                }
            }

            // The first administrator's password is printed once, and it works (an API token, as the CLI logs in).
            string password = up.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("admin password: ", StringComparison.Ordinal))["admin password: ".Length..];
            using (var cli = new HttpClient(MutualTls.CreateClientHandler(platform.Authority, ServiceRole.Platform)) { BaseAddress = settings.Platform.Url })
            {
                using HttpResponseMessage token = await cli.PostAsJsonAsync("api/auth/tokens", new { userName = "admin", password, name = "system test" });
                Assert.Equal(HttpStatusCode.OK, token.StatusCode);
            }

            up.Interrupt();
            Assert.Equal(0, await up.WaitForExitAsync(Bound));
            Assert.Contains("stopping", up.Output, StringComparison.Ordinal);
            // Every role is gone: its port no longer answers.
            foreach (ServiceRole role in ServiceRoles.All)
            {
                using var probe = new HttpClient(MutualTls.CreateServiceHandler(platform, role)) { BaseAddress = settings.Endpoint(role).Url, Timeout = TimeSpan.FromSeconds(5) };
                await Assert.ThrowsAnyAsync<HttpRequestException>(() => probe.GetStringAsync("health"));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Init_refuses_to_overwrite_an_existing_deployment()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-init-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int first, string _) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", root, "--base-port", "31400");
            Assert.Equal(0, first);
            string ca = File.ReadAllText(Path.Combine(root, "pki", "ca.crt"));
            (int second, string output) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", root);
            Assert.NotEqual(0, second);
            Assert.Contains("refusing to overwrite", output, StringComparison.Ordinal);
            Assert.Equal(ca, File.ReadAllText(Path.Combine(root, "pki", "ca.crt")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_role_started_on_an_uninitialised_directory_says_to_run_init()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-none-" + Guid.NewGuid().ToString("N"));
        (int code, string output) = await ImguardProcess.RunAsync(Bound, "audit", "--data-dir", root);
        Assert.NotEqual(0, code);
        Assert.Contains("imguard init", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "audit")));
        _ = HttpStatusCode.OK;
    }
}
