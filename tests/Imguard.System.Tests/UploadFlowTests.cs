using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imguard.Client.Datasets;
using Imguard.Client.Models;
using Imguard.Contracts.Shares;
using Imguard.Learning.Data;
using Imguard.Learning.Nn;
using Imguard.Mpc.Encoding;
using Imguard.Testing;
using Microsoft.Data.Sqlite;

namespace Imguard.SystemTests;

/// <summary>
/// The owner's whole path through the real processes on 127.0.0.1 with real TLS: <c>imguard up</c> (audit, platform,
/// both parties), the printed admin password into <c>imguard login</c>, <c>project create</c>, <c>dataset upload</c>
/// of a small IDX training and test set (shared on the owner's side, each half straight to its party, Ready once both
/// parties' reports match), <c>train --follow</c> (the platform's runner starts the job at both parties, the dealer
/// serves their randomness), <c>model download --onnx</c> (both shares recombined here; the secure test accuracy
/// reconstructed here), <c>infer</c> (secure inference of local images against the model that stays shared),
/// <c>audit verify</c>; then every file any server wrote is scanned for the owner's pixels. The owner's commands are
/// the README's, run in a working directory (a checkout) under umask 022 with <c>XDG_DATA_HOME</c> set: nothing but
/// the ONNX the owner asked for lands in the working directory, and the owner folder holds the statistics only, 0600
/// in 0700 folders — no dataset half, model share, evaluation share or prediction share.
/// </summary>
public class UploadFlowTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task An_owner_uploads_trains_downloads_and_recombines_a_model_and_no_server_holds_a_pixel()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-flow-" + Guid.NewGuid().ToString("N"));
        string data = Path.Combine(root, "deployment");
        string profile = Path.Combine(root, "profile.json");
        string checkout = Path.Combine(root, "checkout");
        string owner = Path.Combine(root, "xdg-data", "imguard");
        // The owner's shell: a working directory of their own; the owner folder by the XDG rule, not the override.
        var shell = new Dictionary<string, string> { ["XDG_DATA_HOME"] = Path.Combine(root, "xdg-data"), ["IMGUARD_OWNER_DIR"] = "", ["HOME"] = Path.Combine(root, "home") };
        int basePort = TestDeployment.FreeBasePort();
        FileModes.UseUsualUmask();
        try
        {
            Directory.CreateDirectory(checkout);
            (string images, string labels) = IdxSquares.Write(Path.Combine(root, "train"), count: 120, offset: 0);
            (string testImages, string testLabels) = IdxSquares.Write(Path.Combine(root, "test"), count: 40, offset: 3);
            await using ImguardProcess up = ImguardProcess.Start("up", "--data-dir", data, "--base-port", basePort.ToString());
            await up.WaitForLineAsync("IMGuard is up", Bound);
            string password = up.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("admin password: ", StringComparison.Ordinal))["admin password: ".Length..];

            // Expected problems are one plain line and a non-zero exit (issue 15, item 5): a wrong password, no terminal
            // to ask for one, a folder that is not there.
            (int wrong, string wrongOutput) = await ImguardProcess.RunWithInputAsync(Bound, "not-the-password\n",
                "login", "--profile", profile, "--data-dir", data, "--user", "admin", "--password-stdin");
            PlainFailure(CommandExit.Service, "imguard: Wrong user name or password", wrong, wrongOutput);
            (int noTerminal, string noTerminalOutput) = await ImguardProcess.RunWithInputAsync(Bound, "",
                "login", "--profile", profile, "--data-dir", data, "--user", "admin");
            PlainFailure(CommandExit.Input, "imguard: No terminal to ask for the password; use --password-stdin.", noTerminal, noTerminalOutput);

            (int login, string loginOutput) = await ImguardProcess.RunWithInputAsync(Bound, password + "\n",
                "login", "--profile", profile, "--data-dir", data, "--user", "admin", "--password-stdin");
            Assert.True(login == 0, loginOutput);
            Assert.DoesNotContain(password, loginOutput, StringComparison.Ordinal);

            Task<(int, string)> Owner(TimeSpan bound, params string[] arguments) => ImguardProcess.RunInAsync(checkout, shell, bound, arguments);
            (int created, string project) = await Owner(Bound, "project", "create", "--profile", profile, "--name", "flow");
            Assert.True(created == 0, project);
            string projectId = project.Split('\n').Last(l => Guid.TryParse(l.Trim(), out _)).Trim();

            (int missing, string missingOutput) = await Owner(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "nothing", "--images", Path.Combine(root, "no-such-folder"));
            PlainFailure(CommandExit.Input, "imguard: Folder '", missing, missingOutput);

            // Training set, then the test set standardised with the training set's statistics.
            (int uploaded, string upload) = await Owner(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "squares", "--idx", images, labels);
            Assert.True(uploaded == 0, upload);
            Assert.Contains("Ready: 120 images", upload, StringComparison.Ordinal);
            string trainId = Id(upload, "dataset ds-");
            string standardization = Path.Combine(owner, "datasets", trainId, trainId + ".standardization.json");
            Assert.Contains($"standardisation kept at {standardization}", upload, StringComparison.Ordinal);
            // The test set finds the training set's statistics by its id.
            (int uploadedTest, string uploadTest) = await Owner(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "squares-test", "--purpose", "test", "--idx", testImages, testLabels, "--train-dataset", trainId);
            Assert.True(uploadedTest == 0, uploadTest);
            string testId = Id(uploadTest, "dataset ds-");
            // The offline plugin (issue 17, item 7): share on this machine now, upload the files later — checked as a fresh
            // upload is. A file changed after sharing, or halves of two different shares, are refused before anything is
            // registered; the real pair uploads and is kept.
            string offline = Path.Combine(root, "offline");
            (int sharedOffline, string shareOffline) = await Owner(Bound, "dataset", "share", "--profile", profile, "--idx", images, labels, "--out", offline);
            Assert.True(sharedOffline == 0, shareOffline);
            string offlineId = Id(shareOffline, "dataset ds-");
            (int sharedOther, string shareOther) = await Owner(Bound, "dataset", "share", "--profile", profile, "--idx", images, labels,
                "--out", Path.Combine(root, "offline-other"));
            Assert.True(sharedOther == 0, shareOther);
            string otherId = Id(shareOther, "dataset ds-");
            string changed = Path.Combine(root, "offline-changed"), mixed = Path.Combine(root, "offline-mixed");
            Directory.CreateDirectory(changed);
            Directory.CreateDirectory(mixed);
            foreach (int party in new[] { 0, 1 })
            {
                File.Copy(Path.Combine(offline, $"{offlineId}.party{party}.share"), Path.Combine(changed, $"{offlineId}.party{party}.share"));
            }
            byte[] half1 = File.ReadAllBytes(Path.Combine(changed, $"{offlineId}.party1.share"));
            half1[ShareFileFormat.HeaderSizeV2 + 100] ^= 1;
            File.WriteAllBytes(Path.Combine(changed, $"{offlineId}.party1.share"), half1);
            File.Copy(Path.Combine(offline, $"{offlineId}.party0.share"), Path.Combine(mixed, $"{offlineId}.party0.share"));
            File.Copy(Path.Combine(root, "offline-other", $"{otherId}.party1.share"), Path.Combine(mixed, $"{offlineId}.party1.share"));
            (int refusedChanged, string changedOutput) = await Owner(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "changed", "--shares", changed);
            PlainFailure(CommandExit.Input, "imguard: Share file '", refusedChanged, changedOutput);
            Assert.Contains("is corrupt", changedOutput, StringComparison.Ordinal);
            (int refusedMixed, string mixedOutput) = await Owner(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "mixed", "--shares", mixed);
            PlainFailure(CommandExit.Input, "imguard: The share files in '", refusedMixed, mixedOutput);
            Assert.Contains("do not belong together", mixedOutput, StringComparison.Ordinal);
            (int unregistered, string unregisteredOutput) = await Owner(Bound, "dataset", "status", "--profile", profile, offlineId);
            Assert.True(unregistered == (int)CommandExit.Service, unregisteredOutput); // refused before registration: the platform does not know it
            (int uploadedOffline, string uploadOffline) = await Owner(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "shared-offline", "--shares", offline);
            Assert.True(uploadedOffline == 0, uploadOffline);
            Assert.Contains($"dataset {offlineId} Ready: 120 images, from the share files in {offline} (kept)", uploadOffline, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(offline, $"{offlineId}.party1.share")));

            (int printed, string statistics) = await Owner(Bound, "dataset", "statistics", "--dataset", trainId);
            Assert.True(printed == 0, statistics);
            Assert.Equal(OwnerSharing.LoadStandardization(standardization).Mean, JsonDocument.Parse(statistics).RootElement.GetProperty("mean").EnumerateArray().Select(m => m.GetDouble()));

            (int trained, string train) = await Owner(TimeSpan.FromMinutes(5), "train", "--profile", profile, "--project", projectId,
                "--dataset", trainId, "--test-dataset", testId, "--model", "mlp", "--epochs", "4", "--batch-size", "20", "--lr", "0.05",
                "--hiding", "off", "--follow");
            Assert.True(trained == 0, train + "\n" + up.Output);
            // lr 0.05 (the product's default) for 4 epochs: lr 0.1 with momentum 0.9 for 2 or 4 epochs swung between
            // 17/40 and 40/40 test squares from one run's dealt weights to the next; this setting gave 40/40 three times.
            Assert.Contains("estimate: 24 steps (4 × 6)", train, StringComparison.Ordinal);
            string jobId = Id(train, "job-");

            // The README's download: the ONNX where the owner asked for it and nothing else anywhere; its input is pixels.
            (int downloaded, string download) = await Owner(Bound, "model", "download", "--profile", profile, "--job", jobId, "--onnx", "model.onnx");
            Assert.True(downloaded == 0, download);
            Assert.True(new FileInfo(Path.Combine(checkout, "model.onnx")).Length > 1000);
            Assert.Contains("its input is raw pixel values 0-255 (standardised by its first nodes); classes: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9", download, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(owner, "models")), "the download kept something in the owner folder it was not asked for");
            // The shares only when asked for, where asked (with the ONNX beside them, as nothing else was named).
            string models = Path.Combine(root, "models");
            (int kept, string keep) = await Owner(Bound, "model", "download", "--profile", profile, "--job", jobId, "--keep-shares", "--out", models);
            Assert.True(kept == 0, keep);
            Assert.Equal([$"{jobId}.onnx", $"{jobId}.party0.evaluation", $"{jobId}.party0.model", $"{jobId}.party1.evaluation", $"{jobId}.party1.model"],
                Directory.GetFiles(models).Select(Path.GetFileName).Order(StringComparer.Ordinal));

            // The secure evaluation (reconstructed only here) agrees with the recombined model run in the clear.
            int secureCorrect = int.Parse(Regex.Match(download, @"secure test accuracy: [0-9.]+% \((\d+)/40\)").Groups[1].Value, CultureInfo.InvariantCulture);
            ReconstructedModel model = ModelReconstruction.Reconstruct(Path.Combine(models, jobId + ".party0.model"), Path.Combine(models, jobId + ".party1.model"));
            LabeledImages test = OwnerSharing.LoadStandardization(standardization).Apply(IdxReader.LoadDataset(testImages, testLabels, [.. Enumerable.Range(0, 10).Select(i => $"{i}")]));
            PlainTensor logits = await model.ForwardAsync(new PlainTensor([.. test.Pixels.Select(p => (double)p)], test.Count, 1, 28, 28));
            int plainCorrect = Enumerable.Range(0, test.Count).Count(i => ArgMax(logits.Data.AsSpan(i * 10, 10)) == test.Labels[i]);
            Assert.InRange(secureCorrect, plainCorrect - 1, plainCorrect + 1); // fixed-point logits may flip a near tie
            Assert.True(plainCorrect >= 20, $"the recombined model classifies only {plainCorrect}/40 test squares");

            // Secure inference of the owner's local images against the model that stays shared.
            string predictions = Path.Combine(root, "predictions.csv");
            (int inferred, string infer) = await Owner(TimeSpan.FromMinutes(3), "infer", "--profile", profile, "--model-job", jobId,
                "--idx", testImages, testLabels, "--out", predictions);
            Assert.True(inferred == 0, infer + "\n" + up.Output);
            int inferCorrect = int.Parse(Regex.Match(infer, @"accuracy against your labels [0-9.]+% \((\d+)/40\)").Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(inferCorrect, plainCorrect - 1, plainCorrect + 1);
            Assert.Equal(41, File.ReadAllLines(predictions).Length);

            // "InstaHide in inference": a mixup job evaluated on 2 encodings of each test image (partners from the
            // training set, coefficients dealt by the platform); the owner's reconstructed accuracy is well above chance.
            (int hidden, string hiddenTrain) = await Owner(TimeSpan.FromMinutes(5), "train", "--profile", profile, "--project", projectId,
                "--dataset", trainId, "--test-dataset", testId, "--model", "mlp", "--epochs", "4", "--batch-size", "20", "--lr", "0.05",
                "--hiding", "mixup", "--k", "2", "--test-encodings", "2", "--test-own-min", "0.5", "--follow");
            Assert.True(hidden == 0, hiddenTrain + "\n" + up.Output);
            string hiddenJob = Id(hiddenTrain, "job-");
            (int hiddenDownloaded, string hiddenDownload) = await Owner(Bound, "model", "download", "--profile", profile, "--job", hiddenJob,
                "--out", Path.Combine(root, "models-hidden"));
            Assert.True(hiddenDownloaded == 0, hiddenDownload);
            int encodedCorrect = int.Parse(Regex.Match(hiddenDownload, @"secure test accuracy: [0-9.]+% \((\d+)/40\)").Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(encodedCorrect >= 12, $"test-time encodings classified only {encodedCorrect}/40 test squares");
            Assert.Contains("summed over 2 InstaHide encodings", hiddenDownload, StringComparison.Ordinal);

            // The README flow left the owner's working directory with the file asked for and nothing else, and the owner
            // folder with the two sets' statistics (the inference images' shares and statistics are gone), all owner-only.
            Assert.Equal(["model.onnx"], Directory.GetFileSystemEntries(checkout).Select(Path.GetFileName));
            Assert.Equal(new[] { $"datasets/{testId}/{testId}.standardization.json", $"datasets/{trainId}/{trainId}.standardization.json" }.Order(StringComparer.Ordinal),
                Directory.GetFiles(owner, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(owner, f)).Order(StringComparer.Ordinal));
            FileModes.AssertTreeOwnerOnly(Path.Combine(root, "xdg-data"));

            // Deleting the training set removes both parties' halves (the platform asks each party until it confirms).
            (int deleted, string delete) = await ImguardProcess.RunAsync(Bound, "dataset", "delete", "--profile", profile, trainId);
            Assert.True(deleted == 0, delete);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            string status;
            do
            {
                await Task.Delay(250);
                (_, status) = await ImguardProcess.RunAsync(Bound, "dataset", "status", "--profile", profile, trainId);
            }
            while (!status.Contains(" Deleted:", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
            Assert.Contains(" Deleted:", status, StringComparison.Ordinal);
            foreach (string party in new[] { "party-0", "party-1" })
            {
                Assert.False(File.Exists(Path.Combine(data, party, "shares", "datasets", trainId + ".share")), $"{party} still holds its half");
            }

            (int verified, string verify) = await ImguardProcess.RunAsync(Bound, "audit", "verify", "--data-dir", data);
            up.Interrupt();
            Assert.Equal(0, await up.WaitForExitAsync(Bound));
            Assert.True(verified == 0, verify);
            (int unreachable, string unreachableOutput) = await ImguardProcess.RunAsync(Bound, "project", "list", "--profile", profile);
            PlainFailure(CommandExit.Service, "imguard: cannot connect: Connection refused", unreachable, unreachableOutput);

            // No secret in any service's log output: not the API token, not a grant, not the admin password after init.
            string token = JsonDocument.Parse(File.ReadAllText(profile)).RootElement.GetProperty("token").GetString()!;
            string serviceLogs = up.Output[(up.Output.IndexOf("IMGuard is up", StringComparison.Ordinal))..];
            Assert.DoesNotContain(token, serviceLogs, StringComparison.Ordinal);
            Assert.DoesNotContain("igg1.", serviceLogs, StringComparison.Ordinal);
            Assert.DoesNotContain(password, serviceLogs, StringComparison.Ordinal);

            // No server holds an image: neither raw rows of the owner's files nor the encoded pixels appear in anything
            // the platform, the parties or the audit server wrote.
            byte[] rawRow = File.ReadAllBytes(images).AsSpan(16 + 5 * 784 + 12 * 28, 28).ToArray();
            Assert.Contains((byte)255, rawRow);
            LabeledImages train01 = OwnerSharing.LoadStandardization(standardization).Apply(IdxReader.LoadDataset(images, labels, [.. Enumerable.Range(0, 10).Select(i => $"{i}")]));
            byte[] encoded = new byte[24];
            int bright = Array.FindIndex(train01.Pixels, p => p > 1f);
            for (int i = 0; i < 3; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(encoded.AsSpan(i * 8), FixedPointFormat.Default.Encode(train01.Pixels[bright - 1 + i]));
            }
            foreach (string role in new[] { "platform", "party-0", "party-1", "audit" })
            {
                foreach (string file in Directory.EnumerateFiles(Path.Combine(data, role), "*", SearchOption.AllDirectories))
                {
                    byte[] content = File.ReadAllBytes(file);
                    Assert.True(content.AsSpan().IndexOf(rawRow) < 0, $"{file} holds a raw image row");
                    Assert.True(content.AsSpan().IndexOf(encoded) < 0, $"{file} holds encoded pixels");
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The exit codes of CommandErrors (internal to the CLI).</summary>
    private enum CommandExit
    {
        Input = 2,
        Service = 3,
    }

    // One line on standard error, no stack trace, the exit code of its kind.
    private static void PlainFailure(CommandExit expected, string start, int code, string output)
    {
        Assert.True(code == (int)expected, $"exit {code}\n{output}");
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("stderr: " + start, line, StringComparison.Ordinal);
    }

    private static string Id(string output, string prefix)
    {
        Match match = Regex.Match(output, Regex.Escape(prefix.Split(' ').Last()) + "[0-9a-f]+");
        Assert.True(match.Success, output);
        return match.Value;
    }

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
