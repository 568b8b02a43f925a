using System.Diagnostics;
using System.Text.RegularExpressions;
using Imguard.Testing;
using Xunit.Abstractions;

namespace Imguard.SystemTests.Security;

/// <summary>
/// Each role as its own process, and party 1 killed with SIGKILL in the middle of a training job and kept down for
/// several times the parties' peer timeout (3 s here, set through <c>Party__Jobs__PeerTimeout</c>; 60 s by default).
/// Party 0 must wait in one attempt instead of spending its attempts (the attack on a running deployment saw it go past
/// the documented three and then sit in a different attempt from party 1 for over a minute, "different session" 62
/// times); when party 1 is back the two must meet in that attempt at once, the job must succeed, and the progress shown
/// must never go backwards.
/// </summary>
public class LongOutageRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private const int PeerTimeoutSeconds = 3;

    [Fact]
    public async Task Party_1_down_for_four_peer_timeouts_rejoins_the_attempt_party_0_waits_in_and_the_job_succeeds()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-outage-" + Guid.NewGuid().ToString("N"));
        string data = Path.Combine(root, "deployment");
        string profile = Path.Combine(root, "profile.json");
        var roles = new List<ImguardProcess>();
        // The parties' job options are configuration (section Party:Jobs); a short peer timeout keeps the test short.
        var environment = new Dictionary<string, string> { ["Party__Jobs__PeerTimeout"] = TimeSpan.FromSeconds(PeerTimeoutSeconds).ToString() };
        try
        {
            var clock = Stopwatch.StartNew();
            Directory.CreateDirectory(root);
            (int init, string initOutput) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", data, "--base-port", TestDeployment.FreeBasePort().ToString());
            Assert.True(init == 0, initOutput);
            string password = Regex.Match(initOutput, "admin password: (\\S+)").Groups[1].Value;

            ImguardProcess StartRole(params string[] arguments)
            {
                var process = ImguardProcess.Start(environment, [.. arguments, "--data-dir", data]);
                roles.Add(process);
                return process;
            }
            await StartRole("audit").WaitForLineAsync("audit ready", Bound);
            await StartRole("platform").WaitForLineAsync("platform ready", Bound);
            ImguardProcess party0 = StartRole("party", "--id", "0");
            await party0.WaitForLineAsync("party-0 ready", Bound);
            await party0.WaitForLineAsync($"peer timeout {PeerTimeoutSeconds} s", Bound); // the setting took
            ImguardProcess party1 = StartRole("party", "--id", "1");
            await party1.WaitForLineAsync("party-1 ready", Bound);

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: roles up");
            Assert.Equal(0, (await ImguardProcess.RunWithInputAsync(Bound, password + "\n", "login", "--profile", profile, "--data-dir", data, "--user", "admin", "--password-stdin")).ExitCode);
            (_, string project) = await ImguardProcess.RunAsync(Bound, "project", "create", "--profile", profile, "--name", "outage");
            string projectId = project.Split('\n').Last(l => Guid.TryParse(l.Trim(), out _)).Trim();
            (string images, string labels) = IdxSquares.Write(Path.Combine(root, "data"), count: 200, offset: 0);
            (int uploaded, string upload) = await ImguardProcess.RunAsync(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "squares", "--idx", images, labels, "--work", Path.Combine(root, "work"));
            Assert.True(uploaded == 0, upload);
            string datasetId = Regex.Match(upload, "ds-[0-9a-f]+").Value;

            (int started, string train) = await ImguardProcess.RunAsync(Bound, "train", "--profile", profile, "--project", projectId,
                "--dataset", datasetId, "--model", "mlp", "--epochs", "4", "--batch-size", "20", "--hiding", "instahide", "--k", "2");
            Assert.True(started == 0, train);
            string jobId = Regex.Match(train, "job-[0-9a-f]+").Value;
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: uploaded, job started");

            // In its second epoch (the first epoch's checkpoints exist), party 1 dies.
            long shownStep = await WaitForStatusAsync(profile, jobId, @"Running epoch [1-2],");
            await party1.KillAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: party 1 killed at step {shownStep}");

            // Party 0 waits for it in one attempt, whatever the peer timeout, and says so in the job's log.
            await WaitForLogAsync(profile, jobId, "party 0: attempt 1 waits for party 1");
            await Task.Delay(TimeSpan.FromSeconds(4 * PeerTimeoutSeconds));
            (_, string during) = await ImguardProcess.RunAsync(Bound, "job", "status", "--profile", profile, jobId);
            Assert.DoesNotMatch("Failed|Succeeded", during);
            Assert.True((Step(during) ?? shownStep) >= shownStep, during);

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: restarting party 1");
            ImguardProcess restarted = StartRole("party", "--id", "1");
            await restarted.WaitForLineAsync("party-1 ready", Bound);
            (int finished, string follow) = await ImguardProcess.RunAsync(TimeSpan.FromMinutes(3), "job", "status", "--profile", profile, jobId, "--follow");
            (_, string log) = await ImguardProcess.RunAsync(Bound, "job", "logs", "--profile", profile, jobId);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: job over");
            output.WriteLine(log);
            string context = $"{follow}\n--- log\n{log}\n--- party 0\n{Tail(party0.Output)}\n--- party 1\n{Tail(restarted.Output)}";
            Assert.True(finished == 0, context);

            // One interruption (party 1's death), one new attempt: party 1 came back into the attempt party 0 waited in.
            int[] attempts = [.. Regex.Matches(log, @"attempt (\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
            Assert.Equal(1, attempts.Max());
            Assert.Single(Regex.Matches(log, "interrupted"));
            Assert.Matches(@"party 1: attempt 1 resumed from epoch [1-3]", log);
            // No storm of peers in different attempts: neither party refused a peer for being in another session.
            Assert.DoesNotContain("different session", party0.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("different session", restarted.Output, StringComparison.Ordinal);
            // The progress shown never went backwards, and said where the resumed run started again.
            long[] steps = [.. follow.Split('\n').Select(Step).OfType<long>()];
            Assert.Equal(steps.Order(), steps);
            Assert.All(steps, s => Assert.True(s >= shownStep, context));
            Assert.Contains("resumed from epoch", follow, StringComparison.Ordinal);
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

    private static long? Step(string status) =>
        Regex.Match(status, @"step (\d+)/") is { Success: true } m ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static string Tail(string output) => output[Math.Max(0, output.Length - 4000)..];

    /// <summary>Polls <c>imguard job status</c> until it matches; returns the step it showed then.</summary>
    private static async Task<long> WaitForStatusAsync(string profile, string jobId, string pattern)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            (_, string status) = await ImguardProcess.RunAsync(Bound, "job", "status", "--profile", profile, jobId);
            if (Regex.IsMatch(status, pattern))
            {
                return Step(status) ?? 0;
            }
            Assert.DoesNotMatch("Succeeded|Failed|Cancelled", status);
            Assert.True(clock.Elapsed < Bound, $"the job's status never matched '{pattern}': {status}");
            await Task.Delay(200);
        }
    }

    private static async Task WaitForLogAsync(string profile, string jobId, string fragment)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            (_, string log) = await ImguardProcess.RunAsync(Bound, "job", "logs", "--profile", profile, jobId);
            if (log.Contains(fragment, StringComparison.Ordinal))
            {
                return;
            }
            Assert.DoesNotMatch(@"(?m)^\S+ Error ", log); // the job failed: no point in waiting
            Assert.True(clock.Elapsed < Bound, $"the job's log never said '{fragment}':\n{log}");
            await Task.Delay(500);
        }
    }
}
