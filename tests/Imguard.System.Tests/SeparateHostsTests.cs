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
/// then reaches every other role over mutual TLS and its audit events arrive, and three owners with no deployment of
/// their own (each with a profile and an owner folder) train one model over their raw-shared datasets on those hosts.
/// </summary>
public class SeparateHostsTests
{
    private const string OwnerPassword = "owners on separate hosts";
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

            // Three owners, none with a deployment, train one model on these hosts: each logs in with the platform's URL and
            // the CA, shares raw pixels from a folder of their own, and alice's job over all three waits for bob's and carol's
            // signatures; then the parties (from their bundles) standardise over the union and train, with the platform's dealer.
            var owners = new OwnerCli(Path.Combine(root, "owners"), () => string.Join('\n', roles.Select(r => r.Output)));
            using var anonymous = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = owner.Platform, Timeout = TimeSpan.FromSeconds(30) };
            string[] users = ["alice", "bob", "carol"];
            var names = users.ToDictionary(u => u, u => $"{u}-{Guid.NewGuid().ToString("N")[..6]}");
            foreach (string user in users)
            {
                (await anonymous.PostAsJsonAsync("api/auth/register", new { userName = names[user], password = OwnerPassword })).EnsureSuccessStatusCode();
                Directory.CreateDirectory(owners.Folder(user));
                (int signedIn, string signInOutput) = await ImguardProcess.RunWithInputAsync(Bound, OwnerPassword + "\n", "login", "--profile", owners.Profile(user),
                    "--data-dir", Path.Combine(root, "none"), "--platform", $"https://localhost:{port}", "--ca", Path.Combine(Host("platform"), "pki", "ca.crt"),
                    "--user", names[user], "--password-stdin");
                Assert.True(signedIn == 0, signInOutput);
            }

            string projectId = (await owners.Succeeds("alice", Bound, "project", "create", "--name", "separate hosts")).Split('\n').Last(l => Guid.TryParse(l.Trim(), out _)).Trim();
            using var alice = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = owner.Platform, Timeout = TimeSpan.FromSeconds(30) };
            alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClientProfile.Load(owners.Profile("alice")).Token);
            foreach (string user in new[] { "bob", "carol" })
            {
                (await alice.PostAsJsonAsync($"api/projects/{projectId}/members", new { userName = names[user], role = "Contributor" })).EnsureSuccessStatusCode();
            }
            var datasets = new Dictionary<string, string>();
            foreach (var (user, count, offset) in new[] { ("alice", 40, 0), ("bob", 30, 1), ("carol", 20, 2) })
            {
                (string images, string labels) = IdxSquares.Write(Path.Combine(owners.Folder(user), "train-data"), count, offset);
                string upload = await owners.Succeeds(user, Bound, "dataset", "upload", "--project", projectId, "--name", $"{user}'s squares",
                    "--idx", images, labels, "--scaling", "raw");
                Assert.Contains($"Ready: {count} images", upload, StringComparison.Ordinal);
                datasets[user] = Regex.Match(upload, "ds-[0-9a-f]+").Value;
            }

            string train = await owners.Succeeds("alice", Bound, "train", "--project", projectId, "--dataset", datasets["alice"],
                "--with", datasets["bob"], "--with", datasets["carol"], "--recipient", names["alice"], "--recipient", names["bob"],
                "--model", "mlp", "--epochs", "2", "--batch-size", "10", "--hiding", "mixup", "--k", "2");
            string jobId = Regex.Match(train, "job-[0-9a-f]+").Value;
            Assert.Contains($"{jobId} AwaitingApproval", train, StringComparison.Ordinal);
            await owners.Succeeds("bob", Bound, "job", "approve", jobId, "--yes");
            await owners.Succeeds("carol", Bound, "job", "approve", jobId, "--yes");
            Assert.Contains("Succeeded", await owners.Succeeds("alice", TimeSpan.FromMinutes(3), "job", "status", jobId, "--follow"), StringComparison.Ordinal);

            // It trained on the union (2 epochs of ⌈90 / 10⌉ steps), standardised over the union with the statistics it opened.
            JsonElement job = await alice.GetFromJsonAsync<JsonElement>($"api/jobs/{jobId}");
            Assert.Equal(18, job.GetProperty("totalSteps").GetInt64());
            JsonElement standardization = job.GetProperty("standardization");
            Assert.Equal("union", standardization.GetProperty("mode").GetString());
            Assert.Equal(JsonValueKind.Object, standardization.GetProperty("statistics").ValueKind);

            // Bob, a recipient, fetches the model's halves from the two party hosts and recombines them.
            string onnx = Path.Combine(owners.Folder("bob"), "model", jobId + ".onnx");
            string download = await owners.Succeeds("bob", Bound, "model", "download", "--job", jobId, "--onnx", onnx, "--out", Path.Combine(owners.Folder("bob"), "model"));
            Assert.True(File.Exists(onnx), download);
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
