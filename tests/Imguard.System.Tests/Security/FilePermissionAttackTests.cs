using System.Diagnostics;
using System.Text.RegularExpressions;
using Imguard.Testing;
using Microsoft.Data.Sqlite;

namespace Imguard.SystemTests.Security;

/// <summary>
/// The attack of issue 14, item 1, replayed: <c>imguard up</c> under the usual umask 022, an owner who shares, uploads,
/// trains and downloads, and then another local account (<c>nobody</c>) that tries to read both halves of the dataset,
/// the model and evaluation shares, the databases and the keys — on the server side and in the owner's folders. Before
/// the fix every one of those reads succeeded (0755 folders, 0644 files) and the two halves added up to the pixels.
/// Then a deployment left open by an older build: refused with one line by <c>up</c> and by a role, repaired by
/// <c>init --repair-permissions</c>.
/// </summary>
public sealed class FilePermissionAttackTests(FilePermissionAttackTests.Deployment deployment) : IClassFixture<FilePermissionAttackTests.Deployment>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [OtherUsersFact]
    public async Task Another_local_user_reads_neither_half_nor_a_model_share_a_database_nor_a_key()
    {
        deployment.ThrowIfFailed();
        string data = deployment.Data;
        List<string> targets =
        [
            .. Files(data, "party-0/shares/datasets", "*.share"), .. Files(data, "party-1/shares/datasets", "*.share"),
            .. Files(data, "party-0/jobs", "model.share"), .. Files(data, "party-1/jobs", "model.share"),
            .. Files(data, "party-0/jobs", "evaluation.share"), .. Files(data, "party-1/jobs", "*.ckpt"),
            .. Files(data, "party-0/jobs", "state.json"),
            .. Files(data, "platform", "platform.db*"), .. Files(data, "audit", "audit.db*"), .. Files(data, "platform/keys", "*.xml"),
            .. Files(data, "pki", "*.key"), .. Files(data, ".", "audit-outbox.jsonl"), Path.Combine(data, "imguard.json"),
            // The owner's side: both halves before upload, the standardisation, the downloaded shares, the login token.
            .. Files(deployment.Owner, ".", "*"),
        ];
        // Each kind is really there, so a missing file cannot pass for an unreadable one.
        foreach (string kind in (string[])["party-0/shares/datasets/", "party-1/shares/datasets/", "/model.share", "/evaluation.share", ".ckpt", "platform.db",
            "audit.db", "party-0.key", "ca.key", "audit-signing.key", "audit-outbox.jsonl",
            ".party0.share", ".party1.share", ".standardization.json", ".party0.model", ".party1.evaluation", "profile.json"])
        {
            Assert.True(targets.Any(t => t.Contains(kind, StringComparison.Ordinal)), $"no {kind} to attack:\n{string.Join('\n', targets)}");
        }

        Assert.Empty(await ReadableByNobodyAsync(targets));
        Assert.Empty(await ReadableByNobodyAsync([data, deployment.Owner])); // not even listed

        // And nothing anywhere gives group or others a bit: not a folder, not a public certificate.
        FileModes.AssertTreeOwnerOnly(data);
        FileModes.AssertTreeOwnerOnly(deployment.Owner);
        Assert.Equal("0077", deployment.RoleUmask);
    }

    [OtherUsersFact]
    public async Task A_deployment_an_older_build_left_readable_is_refused_with_one_line_and_repaired_with_one_command()
    {
        deployment.ThrowIfFailed();
        string data = Path.Combine(deployment.Root, "older-" + Guid.NewGuid().ToString("N")[..8]);
        await RunAsync("cp", "-a", deployment.Data, data);
        // What `imguard up` made before the fix: folders 0755, files 0644.
        await RunAsync("chmod", "-R", "u=rwX,go=rX", data);
        string half = Files(data, "party-0/shares/datasets", "*.share").First();
        Assert.Equal([half], await ReadableByNobodyAsync([half])); // the attack works on that layout (so the test above can fail)

        (int up, string upOutput) = await ImguardProcess.RunAsync(Bound, "up", "--data-dir", data);
        Assert.Equal(2, up);   // CommandErrors.InputError
        string refusal = Assert.Single(upOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(new Regex($"open to other users of this host: [0-9]+ paths give group or others access \\(the folder itself, "), refusal);
        Assert.Contains($"imguard up --repair-permissions --data-dir {data}", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("ready", upOutput, StringComparison.Ordinal);
        (int party, string partyOutput) = await ImguardProcess.RunAsync(Bound, "party", "--id", "0", "--data-dir", data);
        Assert.Equal(2, party);
        Assert.Contains("imguard party --id 0 --repair-permissions", partyOutput, StringComparison.Ordinal);
        Assert.Equal([half], await ReadableByNobodyAsync([half])); // a refusal changes nothing

        (int repaired, string repairOutput) = await ImguardProcess.RunAsync(Bound, "init", "--repair-permissions", "--data-dir", data);
        Assert.True(repaired == 0, repairOutput);
        Assert.Contains("warning: ", repairOutput, StringComparison.Ordinal);
        Assert.Contains("could read what they held", repairOutput, StringComparison.Ordinal);
        Assert.Empty(await ReadableByNobodyAsync([half]));
        FileModes.AssertTreeOwnerOnly(data);
        Directory.Delete(data, recursive: true);
    }

    private static IEnumerable<string> Files(string root, string under, string pattern) =>
        Directory.Exists(Path.Combine(root, under))
            ? Directory.EnumerateFiles(Path.Combine(root, under), pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    /// <summary>Which of <paramref name="paths"/> the unprivileged account <c>nobody</c> can read (a file) or list (a folder).</summary>
    private static async Task<IReadOnlyList<string>> ReadableByNobodyAsync(IEnumerable<string> paths)
    {
        (int code, string output) = await RunAsync("runuser", ["-u", "nobody", "--", "sh", "-c",
            "for f; do if [ -d \"$f\" ]; then ls \"$f\" >/dev/null 2>&1 && echo \"READ $f\"; else cat \"$f\" >/dev/null 2>&1 && echo \"READ $f\"; fi; done; true",
            "sh", .. paths]);
        Assert.True(code == 0, output);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("READ ", StringComparison.Ordinal)).Select(l => l[5..])];
    }

    private static Task<(int, string)> RunAsync(string program, params string[] arguments) => Run(program, arguments);

    private static async Task<(int, string)> Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Bound);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>
    /// One deployment for the class: <c>imguard up</c> under umask 022 on free loopback ports; an owner who logs in,
    /// shares a dataset locally, uploads a training and a test set, trains a one-epoch job with a test set, downloads the
    /// model; then everything is stopped, so the files are at rest as an attacker would find them.
    /// </summary>
    public sealed class Deployment : IAsyncLifetime
    {
        private Exception? _failure;

        public string Root { get; } = Path.Combine(Path.GetTempPath(), "imguard-perm-" + Guid.NewGuid().ToString("N"));

        public string Data => Path.Combine(Root, "deployment");

        /// <summary>Everything <c>imguard</c> wrote on the owner's side.</summary>
        public string Owner => Path.Combine(Root, "owner");

        /// <summary>The umask of the running <c>up</c> process (its roles inherit it), as /proc shows it.</summary>
        public string? RoleUmask { get; private set; }

        public void ThrowIfFailed()
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException("The shared deployment could not be set up.", _failure);
            }
        }

        public async Task InitializeAsync()
        {
            if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            {
                return; // the tests are skipped
            }
            try
            {
                await SetUpAsync();
            }
            catch (Exception e)
            {
                _failure = e;
            }
        }

        private async Task SetUpAsync()
        {
            FileModes.UseUsualUmask();
            Directory.CreateDirectory(Root); // 0755: other users can reach what is below, as with a folder in /srv or a home
            (string images, string labels) = IdxSquares.Write(Path.Combine(Root, "train"), count: 20, offset: 0);
            (string testImages, string testLabels) = IdxSquares.Write(Path.Combine(Root, "test"), count: 10, offset: 3);
            string profile = Path.Combine(Owner, "profile.json");
            string work = Path.Combine(Owner, "imguard-shares");

            await using ImguardProcess up = ImguardProcess.Start("up", "--data-dir", Data, "--base-port", TestDeployment.FreeBasePort().ToString());
            await up.WaitForLineAsync("IMGuard is up", 2 * Bound);
            RoleUmask = File.ReadLines($"/proc/{up.Id}/status").Single(l => l.StartsWith("Umask:", StringComparison.Ordinal))["Umask:".Length..].Trim();
            string password = up.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("admin password: ", StringComparison.Ordinal))["admin password: ".Length..];

            await Succeed(await ImguardProcess.RunWithInputAsync(Bound, password + "\n", "login", "--profile", profile, "--data-dir", Data,
                "--user", "admin", "--password-stdin"), up);
            string project = await Succeed(await ImguardProcess.RunAsync(Bound, "project", "create", "--profile", profile, "--name", "perm"), up);
            string projectId = project.Split('\n').Last(l => Guid.TryParse(l.Trim(), out _)).Trim();
            // Both halves on the owner's disk (what `dataset upload` also writes before it sends them).
            await Succeed(await ImguardProcess.RunAsync(Bound, "dataset", "share", "--idx", images, labels, "--out", Path.Combine(Owner, "shared")), up);
            string train = await Succeed(await ImguardProcess.RunAsync(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "train", "--idx", images, labels, "--work", work), up);
            string trainId = Regex.Match(train, "ds-[0-9a-f]+").Value;
            string standardization = Path.Combine(work, trainId, trainId + ".standardization.json");
            string test = await Succeed(await ImguardProcess.RunAsync(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "test", "--purpose", "test", "--idx", testImages, testLabels, "--work", work, "--standardization", standardization), up);
            string testId = Regex.Match(test, "ds-[0-9a-f]+").Value;
            string job = await Succeed(await ImguardProcess.RunAsync(TimeSpan.FromMinutes(4), "train", "--profile", profile, "--project", projectId,
                "--dataset", trainId, "--test-dataset", testId, "--model", "mlp", "--epochs", "1", "--batch-size", "10", "--hiding", "off", "--follow"), up);
            string jobId = Regex.Match(job, "job-[0-9a-f]+").Value;
            await Succeed(await ImguardProcess.RunAsync(Bound, "model", "download", "--profile", profile, "--job", jobId, "--keep-shares", "--out", Path.Combine(Owner, "models")), up);

            up.Interrupt();
            Assert.Equal(0, await up.WaitForExitAsync(Bound));
            SqliteConnection.ClearAllPools();
        }

        private static Task<string> Succeed((int ExitCode, string Output) run, ImguardProcess up)
        {
            Assert.True(run.ExitCode == 0, run.Output + "\n" + up.Output);
            return Task.FromResult(run.Output);
        }

        public Task DisposeAsync()
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
            return Task.CompletedTask;
        }
    }
}
