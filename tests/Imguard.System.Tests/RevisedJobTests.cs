using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imguard.Client.Platform;
using Imguard.Testing;
using Microsoft.Data.Sqlite;

namespace Imguard.SystemTests;

/// <summary>
/// A job revised in place (issue 17, job control), through the real processes of <c>imguard up</c> and the real CLI:
/// alice proposes a job on her dataset naming herself and bob as the model's recipients (a recipient signs too, and may
/// decline), bob declines it, alice revises it (fewer epochs) — her device signs the new terms, no earlier signature
/// counts — bob approves the revision, and the parties, checking every signature over the revised terms themselves,
/// train it to the end.
/// </summary>
public sealed class RevisedJobTests
{
    private const string Password = "one declines, then approves";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task An_owner_declines_a_job_approves_its_revision_and_the_revised_job_trains_to_the_end()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-revise-" + Guid.NewGuid().ToString("N"));
        string data = Path.Combine(root, "deployment");
        FileModes.UseUsualUmask();
        try
        {
            await using ImguardProcess up = ImguardProcess.Start("up", "--data-dir", data, "--base-port", TestDeployment.FreeBasePort().ToString());
            await up.WaitForLineAsync("IMGuard is up", TimeSpan.FromMinutes(5)); // generous: a loaded test machine starts four services slowly

            var owners = new OwnerCli(root, () => up.Output);
            string[] users = ["alice", "bob"];
            var names = users.ToDictionary(u => u, u => $"{u}-{Guid.NewGuid().ToString("N")[..6]}");
            using HttpClient platform = PlatformClient(data);
            foreach (string user in users)
            {
                (await platform.PostAsJsonAsync("api/auth/register", new { userName = names[user], password = Password })).EnsureSuccessStatusCode();
                Directory.CreateDirectory(owners.Folder(user));
                (int login, string loginOutput) = await ImguardProcess.RunWithInputAsync(Bound, Password + "\n",
                    "login", "--profile", owners.Profile(user), "--data-dir", data, "--user", names[user], "--password-stdin");
                Assert.True(login == 0, loginOutput);
            }

            string projectId = (await owners.Succeeds("alice", Bound, "project", "create", "--name", "revised")).Split('\n').Last(l => Guid.TryParse(l.Trim(), out _)).Trim();
            using (HttpClient alice = PlatformClient(data, ClientProfile.Load(owners.Profile("alice")).Token))
            {
                (await alice.PostAsJsonAsync($"api/projects/{projectId}/members", new { userName = names["bob"], role = "Contributor" })).EnsureSuccessStatusCode();
            }
            (string images, string labels) = IdxSquares.Write(Path.Combine(root, "alice", "train-data"), 60, 0);
            string trainId = Regex.Match(await owners.Succeeds("alice", Bound, "dataset", "upload", "--project", projectId, "--name", "alice's squares", "--idx", images, labels),
                "ds-[0-9a-f]+").Value;

            string train = await owners.Succeeds("alice", Bound, "train", "--project", projectId, "--dataset", trainId,
                "--recipient", names["alice"], "--recipient", names["bob"], "--model", "mlp", "--epochs", "3", "--batch-size", "20", "--hiding", "mixup", "--k", "2");
            string jobId = Regex.Match(train, "job-[0-9a-f]+").Value;
            Assert.Contains($"{jobId} AwaitingApproval", train, StringComparison.Ordinal);
            Assert.Contains($"{jobId} Declined", await owners.Succeeds("bob", Bound, "job", "decline", jobId, "--reason", "three epochs remember too much"),
                StringComparison.Ordinal);

            // Alice revises: one epoch instead of three; her device signs the new terms, bob's approval is asked again.
            (int refused, string refusal) = await owners.As("bob", Bound, "job", "revise", jobId, "--epochs", "1");
            Assert.True(refused != 0, refusal);
            Assert.Contains("refused (403", refusal, StringComparison.Ordinal); // bob, a contributor, neither made the job nor may start jobs
            string revised = await owners.Succeeds("alice", Bound, "job", "revise", jobId, "--epochs", "1");
            Assert.Contains($"{jobId} revision 1: every earlier approval is void.", revised, StringComparison.Ordinal);
            Assert.Contains($"approved job {jobId} with this device's key", revised, StringComparison.Ordinal);
            Assert.Contains($"{jobId} AwaitingApproval", revised, StringComparison.Ordinal);
            string terms = await owners.Succeeds("bob", Bound, "job", "terms", jobId);
            Assert.Contains("revision", terms, StringComparison.Ordinal);
            Assert.Contains(jobId, await owners.Succeeds("bob", Bound, "job", "pending"), StringComparison.Ordinal);
            await owners.Succeeds("bob", Bound, "job", "approve", jobId, "--yes");

            string followed = await owners.Succeeds("alice", TimeSpan.FromMinutes(5), "job", "status", jobId, "--follow");
            Assert.Contains("Succeeded", followed, StringComparison.Ordinal);
            using HttpClient client = PlatformClient(data, ClientProfile.Load(owners.Profile("alice")).Token);
            JsonElement job = await client.GetFromJsonAsync<JsonElement>($"api/jobs/{jobId}");
            Assert.Equal(1, job.GetProperty("revision").GetInt32());
            Assert.Equal(3, job.GetProperty("totalSteps").GetInt64()); // 1 epoch of 60 / 20 steps
            await owners.Succeeds("alice", Bound, "model", "download", "--job", jobId, "--out", Path.Combine(root, "alice", "model"));
            Assert.True(File.Exists(Path.Combine(root, "alice", "model", jobId + ".onnx")));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static HttpClient PlatformClient(string data, string? token = null) => DeploymentPlatform.Client(data, Bound, token);
}
