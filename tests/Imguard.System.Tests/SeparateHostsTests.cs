using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imguard.Client.Platform;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;

namespace Imguard.SystemTests;

/// <summary>
/// The operator's multi-host path (docs/DEPLOYMENT.md) on one machine: <c>imguard init</c> with each role's own
/// address (the platform as <c>localhost</c>, the others as <c>127.0.0.1</c>, each on its own port), one
/// <c>imguard bundle</c> per role into its own folder ("host"), and each role started as its own process from its own
/// bundle, two of them moved by the per-host overrides (an option and an <c>IMGUARD_LISTEN</c> variable). The platform
/// then reaches every other role over mutual TLS and its audit events arrive.
/// </summary>
public class SeparateHostsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Four_roles_each_run_from_their_own_bundle_and_reach_each_other_by_the_names_in_their_certificates()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-hosts-" + Guid.NewGuid().ToString("N"));
        string deployment = Path.Combine(root, "operator");
        string Host(string role) => Path.Combine(root, "hosts", role);
        var roles = new List<ImguardProcess>();
        int port = TestDeployment.FreeBasePort();
        try
        {
            Directory.CreateDirectory(root);
            // Party 1's settings name a port nobody uses: its host's IMGUARD_LISTEN moves it to the port it is dialled at.
            (int init, string initOutput) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", deployment,
                "--platform-url", $"https://localhost:{port}",
                "--party0-url", $"https://127.0.0.1:{port + 1}",
                "--party1-url", $"https://127.0.0.1:{port + 2}", "--party1-listen", "127.0.0.1:9",
                "--audit-url", $"https://127.0.0.1:{port + 3}",
                "--peer", $"127.0.0.1:{port + 4}");
            Assert.True(init == 0, initOutput);
            string password = Regex.Match(initOutput, "admin password: (\\S+)").Groups[1].Value;

            foreach (string role in new[] { "platform", "party-0", "party-1", "audit" })
            {
                (int exported, string output) = await ImguardProcess.RunAsync(Bound, "bundle", "--data-dir", deployment, "--role", role, "--out", Host(role));
                Assert.True(exported == 0, output);
                // Only the role's own private key (and the audit server's signing key) is on its host; never the CA's.
                string[] keys = [.. Directory.GetFiles(Host(role), "*.key", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
                Assert.Equal(role == "audit" ? ["audit-signing.key", "audit.key"] : [role + ".key"], keys);
            }

            ImguardProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
            {
                ImguardProcess process = ImguardProcess.Start(environment, arguments);
                roles.Add(process);
                return process;
            }
            var none = new Dictionary<string, string>();
            await Start(none, "audit", "--data-dir", Host("audit")).WaitForLineAsync("audit ready", Bound);
            // The platform's settings already bind localhost:port; the option says so again (and wins over the variable).
            await Start(new Dictionary<string, string> { [RoleOverrides.ListenVariable] = "127.0.0.1:9" },
                "platform", "--data-dir", Host("platform"), "--listen", $"localhost:{port}").WaitForLineAsync("platform ready", Bound);
            await Start(none, "party", "--id", "0", "--data-dir", Host("party-0")).WaitForLineAsync("party-0 ready", Bound);
            await Start(new Dictionary<string, string> { [RoleOverrides.ListenVariable] = $"https://127.0.0.1:{port + 2}", [RoleOverrides.DataDirVariable] = Host("party-1") },
                "party", "--id", "1").WaitForLineAsync("party-1 ready", Bound);

            // The owner, with no deployment of its own, logs in with the platform's URL (localhost, as its certificate says) and the CA.
            string profile = Path.Combine(root, "profile.json");
            (int login, string loginOutput) = await ImguardProcess.RunWithInputAsync(Bound, password + "\n", "login", "--profile", profile,
                "--data-dir", Path.Combine(root, "none"), "--platform", $"https://localhost:{port}", "--ca", Path.Combine(Host("platform"), "pki", "ca.crt"),
                "--user", "admin", "--password-stdin");
            Assert.True(login == 0, loginOutput);
            ClientProfile owner = ClientProfile.Load(profile);
            Assert.Equal(new Uri($"https://localhost:{port}"), owner.Platform);
            using X509Certificate2 authority = X509Certificate2.CreateFromPem(owner.CaCertificatePem);
            using var http = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = owner.Platform, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.Token);

            // The platform probes each role over mutual TLS at the URL in the settings.
            JsonElement health = await http.GetFromJsonAsync<JsonElement>("api/system/health");
            Assert.Equal(
                [("platform", "ok"), ("party-0", "ok"), ("party-1", "ok"), ("audit", "ok")],
                health.GetProperty("services").EnumerateArray().Select(s => (s.GetProperty("role").GetString(), s.GetProperty("status").GetString())));

            // The platform's audit client reached the audit host (its service.started is in the log), and the log is intact.
            var clock = Stopwatch.StartNew();
            int started = 0;
            while (started == 0 && clock.Elapsed < Bound)
            {
                JsonElement page = await http.GetFromJsonAsync<JsonElement>("api/audit/records?eventType=service.started&limit=100");
                started = page.GetProperty("records").EnumerateArray().Count(r => r.GetProperty("properties").GetProperty("source").GetString() == "platform");
                await Task.Delay(100);
            }
            Assert.True(started > 0, "the platform's service.started never reached the audit server");
            (int verified, string verify) = await ImguardProcess.RunAsync(Bound, "audit", "verify", "--data-dir", Host("audit"));
            Assert.True(verified == 0, verify);
        }
        finally
        {
            foreach (ImguardProcess role in roles)
            {
                await role.DisposeAsync();
            }
            Directory.Delete(root, recursive: true);
        }
    }
}
