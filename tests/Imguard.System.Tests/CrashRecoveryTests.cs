using System.Diagnostics;
using System.Text.RegularExpressions;
using Imguard.Testing;

namespace Imguard.SystemTests;

/// <summary>
/// Each role as its own process (as on separate hosts), and party 1 killed with SIGKILL in the middle of a training
/// job after its first epoch checkpoint: restarted, it resumes the job from the last checkpoint both parties hold,
/// with fresh dealer randomness (a new attempt); later the platform is killed too (the dealer's sessions are lost with
/// it) and restarted: the parties resume again with a new attempt, and the job succeeds.
/// </summary>
public class CrashRecoveryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_party_and_then_the_platform_killed_mid_job_are_restarted_and_the_job_resumes_from_its_checkpoints()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-crash-" + Guid.NewGuid().ToString("N"));
        string data = Path.Combine(root, "deployment");
        string profile = Path.Combine(root, "profile.json");
        var roles = new List<ImguardProcess>();
        try
        {
            Directory.CreateDirectory(root);
            (int init, string initOutput) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", data, "--base-port", TestDeployment.FreeBasePort().ToString());
            Assert.True(init == 0, initOutput);
            string password = Regex.Match(initOutput, "admin password: (\\S+)").Groups[1].Value;

            ImguardProcess StartRole(params string[] arguments)
            {
                var process = ImguardProcess.Start([.. arguments, "--data-dir", data]);
                roles.Add(process);
                return process;
            }
            await StartRole("audit").WaitForLineAsync("audit ready", Bound);
            ImguardProcess platform = StartRole("platform");
            await platform.WaitForLineAsync("platform ready", Bound);
            await StartRole("party", "--id", "0").WaitForLineAsync("party-0 ready", Bound);
            ImguardProcess party1 = StartRole("party", "--id", "1");
            await party1.WaitForLineAsync("party-1 ready", Bound);

            Assert.Equal(0, (await ImguardProcess.RunWithInputAsync(Bound, password + "\n", "login", "--profile", profile, "--data-dir", data, "--user", "admin", "--password-stdin")).ExitCode);
            (_, string project) = await ImguardProcess.RunAsync(Bound, "project", "create", "--profile", profile, "--name", "crash");
            string projectId = project.Split('\n').Last(l => Guid.TryParse(l.Trim(), out _)).Trim();
            (string images, string labels) = IdxSquares.Write(Path.Combine(root, "data"), count: 300, offset: 0);
            (int uploaded, string upload) = await ImguardProcess.RunAsync(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "squares", "--idx", images, labels, "--work", Path.Combine(root, "work"));
            Assert.True(uploaded == 0, upload);
            string datasetId = Regex.Match(upload, "ds-[0-9a-f]+").Value;

            (int started, string train) = await ImguardProcess.RunAsync(Bound, "train", "--profile", profile, "--project", projectId,
                "--dataset", datasetId, "--model", "mlp", "--epochs", "6", "--batch-size", "20", "--hiding", "instahide", "--k", "2");
            Assert.True(started == 0, train);
            string jobId = Regex.Match(train, "job-[0-9a-f]+").Value;

            // Wait until the job is in its second epoch (so the first epoch's checkpoints exist), then kill party 1.
            await WaitForEpochAsync(profile, jobId, "[1-2]");
            await party1.KillAsync();
            ImguardProcess restarted = StartRole("party", "--id", "1");
            await restarted.WaitForLineAsync("party-1 ready", Bound);

            // Then the platform (the dealer's sessions live in its memory) is killed too, once the job has moved on.
            await WaitForEpochAsync(profile, jobId, "[3-5]");
            await platform.KillAsync();
            await StartRole("platform").WaitForLineAsync("platform ready", Bound);

            (int finished, string follow) = await ImguardProcess.RunAsync(TimeSpan.FromMinutes(4), "job", "status", "--profile", profile, jobId, "--follow");
            (_, string log) = await ImguardProcess.RunAsync(Bound, "job", "logs", "--profile", profile, jobId);
            Assert.True(finished == 0, follow + "\n" + log);
            Assert.Matches("resum", log);
            Assert.Matches(@"attempt [1-9]", log); // fresh dealer randomness after the crash
            (int downloaded, string download) = await ImguardProcess.RunAsync(Bound, "model", "download", "--profile", profile, "--job", jobId, "--out", Path.Combine(root, "models"));
            Assert.True(downloaded == 0, download);
            Assert.Contains("6 epochs", download, StringComparison.Ordinal);
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

    private static async Task WaitForEpochAsync(string profile, string jobId, string epochs)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            (_, string status) = await ImguardProcess.RunAsync(Bound, "job", "status", "--profile", profile, jobId);
            if (Regex.IsMatch(status, $@"Running epoch {epochs},"))
            {
                return;
            }
            Assert.DoesNotMatch("Succeeded|Failed|Cancelled", status);
            Assert.True(clock.Elapsed < Bound, $"the job never reached epoch {epochs}: {status}");
            await Task.Delay(200);
        }
    }
}
