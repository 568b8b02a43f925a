using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imguard.Client.Consent;
using Imguard.Client.Platform;
using Imguard.Contracts.Jobs;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.Data.Sqlite;

namespace Imguard.SystemTests.Security;

/// <summary>
/// The dealer on its own host (<c>imguard init --dealer separate</c>): the audit server, the platform (which then hosts
/// no dealer), <c>imguard dealer</c> run from its own bundle (its own certificate, no other role's files, no database)
/// and two parties, each its own process. A small training job succeeds with its randomness from that dealer, whose
/// usage reaches the audit log under the dealer's own role. And the seams hold: the platform's job view for the
/// dealer refuses a party's certificate and a user's token, the dealer refuses the platform's certificate, and the
/// platform answers 404 on the dealer's paths. One deployment for the class.
/// </summary>
public class SeparateDealerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_job_trains_with_the_dealer_on_its_own_host_and_no_other_role_can_stand_in_for_it()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-dealer-" + Guid.NewGuid().ToString("N"));
        string deployment = Path.Combine(root, "operator");
        string dealerHost = Path.Combine(root, "hosts", "dealer");
        string profile = Path.Combine(root, "profile.json");
        string checkout = Path.Combine(root, "checkout");
        var shell = new Dictionary<string, string> { ["XDG_DATA_HOME"] = Path.Combine(root, "xdg-data"), ["IMGUARD_OWNER_DIR"] = "", ["HOME"] = Path.Combine(root, "home") };
        var roles = new List<ImguardProcess>();
        int port = TestDeployment.FreeBasePort();
        try
        {
            Directory.CreateDirectory(checkout);
            (string images, string labels) = IdxSquares.Write(Path.Combine(root, "train"), count: 40, offset: 0);
            (int init, string initOutput) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", deployment, "--base-port", port.ToString(),
                "--dealer", "separate");
            Assert.True(init == 0, initOutput);
            Assert.Contains($"dealer    https://127.0.0.1:{port + 5}/ (its own service: imguard dealer)", initOutput, StringComparison.Ordinal);
            string password = Regex.Match(initOutput, "admin password: (\\S+)").Groups[1].Value;

            // The dealer's host gets the dealer's key only, and nothing of the platform's state.
            (int exported, string bundle) = await ImguardProcess.RunAsync(Bound, "bundle", "--data-dir", deployment, "--role", "dealer", "--out", dealerHost);
            Assert.True(exported == 0, bundle);
            Assert.Equal(["dealer.key"], Directory.GetFiles(dealerHost, "*.key", SearchOption.AllDirectories).Select(Path.GetFileName));
            Assert.False(Directory.Exists(Path.Combine(dealerHost, "platform")));

            ImguardProcess Start(params string[] arguments)
            {
                ImguardProcess process = ImguardProcess.Start(arguments);
                roles.Add(process);
                return process;
            }
            await Start("audit", "--data-dir", deployment).WaitForLineAsync("audit ready", Bound);
            await Start("platform", "--data-dir", deployment).WaitForLineAsync("platform ready", Bound);
            // From its own bundle: nothing of the platform's data directory or database is on the dealer's host.
            await Start("dealer", "--data-dir", dealerHost).WaitForLineAsync("dealer ready", Bound);
            await Start("party", "--id", "0", "--data-dir", deployment).WaitForLineAsync("party-0 ready", Bound);
            await Start("party", "--id", "1", "--data-dir", deployment).WaitForLineAsync("party-1 ready", Bound);

            (int login, string loginOutput) = await ImguardProcess.RunWithInputAsync(Bound, password + "\n",
                "login", "--profile", profile, "--data-dir", deployment, "--user", "admin", "--password-stdin");
            Assert.True(login == 0, loginOutput);
            Task<(int, string)> Owner(TimeSpan bound, params string[] arguments) => ImguardProcess.RunInAsync(checkout, shell, bound, arguments);
            (int created, string project) = await Owner(Bound, "project", "create", "--profile", profile, "--name", "dealer-apart");
            Assert.True(created == 0, project);
            string projectId = project.Split('\n').Last(l => Guid.TryParse(l.Trim(), out _)).Trim();
            (int uploaded, string upload) = await Owner(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "squares", "--idx", images, labels);
            Assert.True(uploaded == 0, upload);
            string trainId = Regex.Match(upload, "ds-[0-9a-f]+").Value;

            var settings = DeploymentSettings.Load(Path.Combine(deployment, "imguard.json"));
            var directory = new DataDirectory(deployment);
            using ServiceIdentity platformIdentity = ServiceIdentity.Load(directory, ServiceRole.Platform);
            using ServiceIdentity partyIdentity = ServiceIdentity.Load(directory, ServiceRole.Party0);
            using ServiceIdentity dealerIdentity = ServiceIdentity.Load(directory, ServiceRole.Dealer);
            ClientProfile owner = ClientProfile.Load(profile);
            using var user = new HttpClient(MutualTls.CreateClientHandler(platformIdentity.Authority, ServiceRole.Platform)) { BaseAddress = settings.Platform.Url };
            user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.Token);
            using var asDealer = new HttpClient(MutualTls.CreateServiceHandler(dealerIdentity, ServiceRole.Platform)) { BaseAddress = settings.Platform.Url };
            using var asParty = new HttpClient(MutualTls.CreateServiceHandler(partyIdentity, ServiceRole.Platform)) { BaseAddress = settings.Platform.Url };

            // Each party reported the owner key from the verified header of its half: the key beside the CLI's profile.
            using (OwnerSigningKey key = OwnerSigningKey.Load(OwnerSigningKey.PathBeside(profile)))
            {
                JsonElement dataset = await user.GetFromJsonAsync<JsonElement>($"api/datasets/{trainId}");
                Assert.Equal(Convert.ToBase64String(key.PublicKey), dataset.GetProperty("ownerKey").GetString());
            }

            (int trained, string train) = await Owner(Bound, "train", "--profile", profile, "--project", projectId,
                "--dataset", trainId, "--model", "mlp", "--epochs", "1", "--batch-size", "20", "--hiding", "off");
            Assert.True(trained == 0, train);
            string jobId = Regex.Match(train, "job-[0-9a-f]+").Value;
            string view = DealerEndpoints.Job(jobId);

            // While the job is queued (the parties take seconds to start it), the dealer's certificate gets what the
            // dealer holds of it: the public description and the counts, nothing else...
            using (JsonDocument job = JsonDocument.Parse(await asDealer.GetStringAsync(view)))
            {
                Assert.Equal(["description", "trainingCount", "testCount"], job.RootElement.EnumerateObject().Select(p => p.Name));
                Assert.Equal(jobId, job.RootElement.GetProperty("description").GetProperty("jobId").GetString());
                Assert.Equal((40, 0), (job.RootElement.GetProperty("trainingCount").GetInt32(), job.RootElement.GetProperty("testCount").GetInt32()));
            }
            // ...and a party's certificate or a user's token gets nothing.
            using (HttpResponseMessage party = await asParty.GetAsync(view))
            {
                Assert.Equal(HttpStatusCode.Forbidden, party.StatusCode);
            }
            using (HttpResponseMessage byUser = await user.GetAsync(view))
            {
                Assert.Equal(HttpStatusCode.Forbidden, byUser.StatusCode);
            }

            // The platform hosts no dealer in this layout: its dealer paths are not there, for a party either (a platform
            // hosting one would let the party join the live job's attempt here, and answer its attempts' status).
            using (HttpResponseMessage join = await asParty.PostAsJsonAsync(DealerEndpoints.Attempts(jobId), new DealerAttemptRequest(0)))
            {
                Assert.Equal(HttpStatusCode.NotFound, join.StatusCode);
            }
            using (HttpResponseMessage status = await asParty.GetAsync(DealerEndpoints.Attempt(jobId, 0)))
            {
                Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
            }

            var clock = Stopwatch.StartNew();
            string? state = null;
            while (state is not ("Succeeded" or "Failed" or "Cancelled") && clock.Elapsed < TimeSpan.FromMinutes(4))
            {
                await Task.Delay(250);
                state = (await user.GetFromJsonAsync<JsonElement>($"api/jobs/{jobId}")).GetProperty("state").GetString();
            }
            Assert.True(state == "Succeeded", $"the job ended {state}\n" + string.Join('\n', roles.Select(r => r.Output)));
            using (HttpResponseMessage over = await asDealer.GetAsync(view))
            {
                Assert.Equal(HttpStatusCode.NotFound, over.StatusCode); // no new attempt of a job that is over
            }

            // The randomness came from the dealer's own process: its usage is in the audit log under its own role.
            clock.Restart();
            JsonElement[] issued = [];
            while (issued.Length == 0 && clock.Elapsed < Bound)
            {
                JsonElement page = await user.GetFromJsonAsync<JsonElement>("api/audit/records?eventType=randomness.issued&limit=100");
                issued = [.. page.GetProperty("records").EnumerateArray()];
                await Task.Delay(200);
            }
            Assert.NotEmpty(issued);
            Assert.All(issued, record =>
            {
                Assert.Equal("dealer", record.GetProperty("actor").GetString());
                Assert.Equal("dealer", record.GetProperty("properties").GetProperty("source").GetString());
            });
            JsonElement health = await user.GetFromJsonAsync<JsonElement>("api/system/health");
            Assert.Contains(("dealer", "ok"), health.GetProperty("services").EnumerateArray().Select(s => (s.GetProperty("role").GetString(), s.GetProperty("status").GetString())));

            // The dealer refuses the platform's certificate on its endpoints: the platform cannot join an attempt and
            // take a party's seeds.
            using (var platformAtDealer = new HttpClient(MutualTls.CreateServiceHandler(platformIdentity, ServiceRole.Dealer)) { BaseAddress = settings.DealerUrl })
            {
                using HttpResponseMessage join = await platformAtDealer.PostAsJsonAsync(DealerEndpoints.Attempts(jobId), new DealerAttemptRequest(0));
                Assert.Equal(HttpStatusCode.Forbidden, join.StatusCode);
            }
        }
        finally
        {
            foreach (ImguardProcess role in roles)
            {
                await role.DisposeAsync();
            }
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }
}
