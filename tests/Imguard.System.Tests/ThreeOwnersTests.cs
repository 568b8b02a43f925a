using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imguard.Client.Consent;
using Imguard.Client.Models;
using Imguard.Client.Platform;
using Imguard.Contracts.Consent;
using Imguard.Learning.Data;
using Imguard.Learning.Nn;
using Imguard.Testing;
using Microsoft.Data.Sqlite;

namespace Imguard.SystemTests;

/// <summary>
/// Three owners who do not trust each other train one model (issue 17), through the real processes of
/// <c>imguard up</c> and the real CLI, each owner with a profile, a signing key and an owner folder of their own:
/// alice, bob and carol each share a training set from their own machine (carol also a test set), alice proposes a job
/// over all three naming alice and bob as the model's recipients, and it waits until bob and carol have each read the
/// terms and signed them with their own keys; then the parties — each checking every signature against the keys bound
/// to its own halves — train on the union. The model goes to the recipients only, and the evaluation to the test set's
/// owner only: bob gets the model but not carol's accuracy, carol (no recipient) gets no model but her accuracy.
/// Every owner shares raw pixels (<c>--scaling raw</c>): the parties standardise over the union on shares, opening only
/// the union's mean and deviation, which the job records and the recipients' ONNX and parameters carry.
/// </summary>
public sealed class ThreeOwnersTests
{
    private const string Password = "three owners, one model";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Three_owners_train_one_model_after_each_signed_and_only_the_recipients_receive_it()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-three-" + Guid.NewGuid().ToString("N"));
        string data = Path.Combine(root, "deployment");
        FileModes.UseUsualUmask();
        try
        {
            await using ImguardProcess up = ImguardProcess.Start("up", "--data-dir", data, "--base-port", TestDeployment.FreeBasePort().ToString());
            await up.WaitForLineAsync("IMGuard is up", Bound);
            var owners = new OwnerCli(root, () => up.Output);

            string[] users = ["alice", "bob", "carol"];
            var names = users.ToDictionary(u => u, u => $"{u}-{Guid.NewGuid().ToString("N")[..6]}");
            using HttpClient platform = PlatformClient(data);
            foreach (string user in users)
            {
                (await platform.PostAsJsonAsync("api/auth/register", new { userName = names[user], password = Password })).EnsureSuccessStatusCode();
                Directory.CreateDirectory(owners.Folder(user));
                (int login, string loginOutput) = await ImguardProcess.RunWithInputAsync(Bound, Password + "\n",
                    "login", "--profile", owners.Profile(user), "--data-dir", data, "--user", names[user], "--password-stdin");
                Assert.True(login == 0, loginOutput);
                Assert.Contains("registered this device's signing key", loginOutput, StringComparison.Ordinal);
            }
            var keys = users.ToDictionary(u => u, u => OwnerKeys.ShortFingerprint(DeviceKey(owners.Profile(u))));

            // Each owner's commands run in their own folder with their own owner folder (their statistics stay there).
            Task<(int ExitCode, string Output)> As(string user, TimeSpan bound, params string[] arguments) => owners.As(user, bound, arguments);
            Task<string> Succeeds(string user, TimeSpan bound, params string[] arguments) => owners.Succeeds(user, bound, arguments);

            (double Mean, double Std) opened = default;
            string projectId = (await Succeeds("alice", Bound, "project", "create", "--name", "three owners")).Split('\n').Last(l => Guid.TryParse(l.Trim(), out _)).Trim();
            using (HttpClient alice = PlatformClient(data, ClientProfile.Load(owners.Profile("alice")).Token))
            {
                foreach (string user in new[] { "bob", "carol" })
                {
                    (await alice.PostAsJsonAsync($"api/projects/{projectId}/members", new { userName = names[user], role = "Contributor" })).EnsureSuccessStatusCode();
                }
            }

            // Sizes differ on purpose: 60, 40 and 20 training images, each owner's squares placed by a different offset. Every
            // owner shares raw pixels, so no owner's statistics leave their machine; carol's test set needs no training set's.
            var trainIds = new Dictionary<string, string>();
            var unionPixels = new List<byte>();
            foreach (var (user, count, offset) in new[] { ("alice", 60, 0), ("bob", 40, 1), ("carol", 20, 2) })
            {
                (string images, string labels) = IdxSquares.Write(Path.Combine(root, user, "train-data"), count, offset);
                unionPixels.AddRange(File.ReadAllBytes(images).AsSpan(16).ToArray()); // after the IDX header: the pixels
                string upload = await Succeeds(user, Bound, "dataset", "upload", "--project", projectId, "--name", $"{user}'s squares", "--idx", images, labels,
                    "--scaling", "raw");
                Assert.Contains($"Ready: {count} images", upload, StringComparison.Ordinal);
                Assert.Contains("scaling raw (x/255", upload, StringComparison.Ordinal);
                trainIds[user] = Regex.Match(upload, "ds-[0-9a-f]+").Value;
                Assert.False(File.Exists(Path.Combine(root, user, "owner", "datasets", trainIds[user], trainIds[user] + ".standardization.json")));
            }
            (string testImages, string testLabels) = IdxSquares.Write(Path.Combine(root, "carol", "test-data"), 40, 3);
            string testId = Regex.Match(await Succeeds("carol", Bound, "dataset", "upload", "--project", projectId, "--name", "carol's test squares",
                "--purpose", "test", "--idx", testImages, testLabels, "--scaling", "raw"), "ds-[0-9a-f]+").Value;
            // The union's statistics in plaintext, which only this test (holding every owner's images) can compute.
            double unionMean = unionPixels.Average(p => p / 255.0);
            double unionStd = Math.Sqrt(unionPixels.Average(p => (p / 255.0 - unionMean) * (p / 255.0 - unionMean)));

            // Alice proposes the job; it approves itself with her key and waits for bob's and carol's.
            string train = await Succeeds("alice", Bound, "train", "--project", projectId, "--dataset", trainIds["alice"],
                "--with", trainIds["bob"], "--with", trainIds["carol"], "--test-dataset", testId, "--recipient", names["alice"], "--recipient", names["bob"],
                "--model", "mlp", "--epochs", "3", "--batch-size", "20", "--hiding", "mixup", "--k", "2");
            string jobId = Regex.Match(train, "job-[0-9a-f]+").Value;
            Assert.Contains($"{jobId} AwaitingApproval", train, StringComparison.Ordinal);
            Assert.Contains(keys["bob"], train, StringComparison.Ordinal);
            Assert.Contains(keys["carol"], train, StringComparison.Ordinal);

            // Carol reads what she signs: every owner's dataset, her own key marked, the recipients.
            Assert.Contains(jobId, await Succeeds("carol", Bound, "job", "pending"), StringComparison.Ordinal);
            string terms = await Succeeds("carol", Bound, "job", "terms", jobId);
            foreach (string id in new[] { trainIds["alice"], trainIds["bob"], trainIds["carol"], testId })
            {
                Assert.Contains(id, terms, StringComparison.Ordinal);
            }
            Assert.Contains($"{keys["carol"]} — you (this device)", terms, StringComparison.Ordinal);
            Assert.Contains("standardisation: standardised on shares over the union of every training set: the parties open 2 numbers per channel", terms, StringComparison.Ordinal);
            Assert.Contains($"  {trainIds["carol"]} was shared raw (x/255): no statistic of it is opened", terms, StringComparison.Ordinal);
            Assert.Contains(names["bob"], terms, StringComparison.Ordinal);
            await Succeeds("bob", Bound, "job", "approve", jobId, "--yes");
            await Succeeds("carol", Bound, "job", "approve", jobId, "--yes");

            string followed = await Succeeds("alice", TimeSpan.FromMinutes(5), "job", "status", jobId, "--follow");
            Assert.Contains("Succeeded", followed, StringComparison.Ordinal);
            Assert.Contains("standardisation: over the union of the training sets, on shares; opened mean=", followed, StringComparison.Ordinal);

            // The job record shows each owner's contribution: the union is 120 images, each seen once per epoch.
            using (HttpClient alice = PlatformClient(data, ClientProfile.Load(owners.Profile("alice")).Token))
            {
                JsonElement job = await alice.GetFromJsonAsync<JsonElement>($"api/jobs/{jobId}");
                var contributions = job.GetProperty("datasets").EnumerateArray()
                    .Select(d => (Id: d.GetProperty("datasetId").GetString(), Images: d.GetProperty("images").GetInt64(), PerEpoch: d.GetProperty("imagesPerEpoch").GetInt64()))
                    .ToArray();
                Assert.Equal([(trainIds["alice"], 60L, 60L), (trainIds["bob"], 40L, 40L), (trainIds["carol"], 20L, 20L), (testId, 40L, 0L)], contributions);
                Assert.Equal(18, job.GetProperty("totalSteps").GetInt64()); // 3 epochs of ⌈120 / 20⌉ steps over the union

                // The parties opened the union's mean and deviation, computed on shares: within 1e-3 of the plaintext ones
                // (fixed point with 16 fractional bits; a sum's error stays far below that over 94,080 values).
                JsonElement standardization = job.GetProperty("standardization");
                Assert.Equal("union", standardization.GetProperty("mode").GetString());
                JsonElement statistics = standardization.GetProperty("statistics");
                opened = (statistics.GetProperty("mean")[0].GetDouble(), statistics.GetProperty("std")[0].GetDouble());
                Assert.InRange(Math.Abs(opened.Mean - unionMean), 0, 1e-3);
                Assert.InRange(Math.Abs(opened.Std - unionStd), 0, 1e-3);
                Assert.Equal(120L * 28 * 28, statistics.GetProperty("valuesPerChannel").GetInt64());
            }

            // Bob, a recipient, gets the model but not carol's accuracy; carol, no recipient, gets no model at all.
            string bobsOnnx = Path.Combine(root, "bob", "model", jobId + ".onnx"), bobsParameters = Path.Combine(root, "bob", "model", "parameters.json");
            string bobsModel = Path.Combine(root, "bob", "model");
            string bobs = await Succeeds("bob", Bound, "model", "download", "--job", jobId, "--onnx", bobsOnnx, "--parameters", bobsParameters,
                "--keep-shares", "--out", bobsModel);
            Assert.Contains($"only the owner of dataset '{testId}'", bobs, StringComparison.Ordinal);
            Assert.Contains("no secure test accuracy here", bobs, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"secure test accuracy: \d", bobs);
            Assert.True(File.Exists(bobsOnnx), bobs);
            // Bob's model starts with the union's statistics the job recorded (bob keeps none of his own: he shared raw).
            Assert.Contains($"  its standardisation: the union's statistics that the parties opened in job {jobId}", bobs, StringComparison.Ordinal);
            using (JsonDocument parameters = JsonDocument.Parse(File.ReadAllText(bobsParameters)))
            {
                JsonElement carried = parameters.RootElement.GetProperty("standardization");
                Assert.Equal(opened, (carried.GetProperty("mean")[0].GetDouble(), carried.GetProperty("std")[0].GetDouble()));
            }
            // The ONNX's first nodes hold 255·mean and 255·std as float32 initializers.
            byte[] onnx = File.ReadAllBytes(bobsOnnx);
            Assert.True(onnx.AsSpan().IndexOf(BitConverter.GetBytes((float)(255 * opened.Mean))) >= 0, "the ONNX carries 255·mean of the union");
            Assert.True(onnx.AsSpan().IndexOf(BitConverter.GetBytes((float)(255 * opened.Std))) >= 0, "the ONNX carries 255·std of the union");

            // Secure inference with the union model: alice shares new images raw and the parties standardise them with the
            // statistics the job recorded — the predictions agree with the recombined model run in the clear on the same
            // images standardised with those statistics.
            (string inferImages, string inferLabels) = IdxSquares.Write(Path.Combine(root, "alice", "infer-data"), 20, 4);
            string inferred = await Succeeds("alice", TimeSpan.FromMinutes(3), "infer", "--model-job", jobId, "--idx", inferImages, inferLabels);
            Assert.Contains($"images shared raw (x/255); the parties standardise them with the statistics job {jobId} recorded", inferred, StringComparison.Ordinal);
            int secureCorrect = int.Parse(Regex.Match(inferred, @"accuracy against your labels [0-9.]+% \((\d+)/20\)").Groups[1].Value, CultureInfo.InvariantCulture);
            ReconstructedModel model = ModelReconstruction.Reconstruct(Path.Combine(bobsModel, jobId + ".party0.model"), Path.Combine(bobsModel, jobId + ".party1.model"));
            LabeledImages plain = new Standardization([opened.Mean], [opened.Std])
                .Apply(IdxReader.LoadDataset(inferImages, inferLabels, [.. Enumerable.Range(0, 10).Select(i => $"{i}")]));
            PlainTensor logits = await model.ForwardAsync(new PlainTensor([.. plain.Pixels.Select(p => (double)p)], plain.Count, 1, 28, 28));
            int plainCorrect = Enumerable.Range(0, plain.Count).Count(i => ArgMax(logits.Data.AsSpan(i * 10, 10)) == plain.Labels[i]);
            Assert.InRange(secureCorrect, plainCorrect - 1, plainCorrect + 1); // fixed-point logits may flip a near tie

            (int carolsCode, string carols) = await As("carol", Bound, "model", "download", "--job", jobId, "--out", Path.Combine(root, "carol", "model"));
            Assert.True(carolsCode != 0, carols);
            Assert.Contains("is not a model recipient of this job", carols, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(root, "carol", "model", jobId + ".onnx")));
            // Carol owns the test set: she alone learns the accuracy on it (bob's request for the same was refused above).
            Assert.Matches(@"secure test accuracy: [0-9.]+% \(\d+/40\)", await Succeeds("carol", Bound, "model", "evaluation", "--job", jobId));
            (int bobsEvaluation, string bobsEvaluationOutput) = await As("bob", Bound, "model", "evaluation", "--job", jobId);
            Assert.True(bobsEvaluation != 0, bobsEvaluationOutput);
            Assert.Contains($"only the owner of dataset '{testId}'", bobsEvaluationOutput, StringComparison.Ordinal);
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

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    // The profile's key, as `imguard login` made it beside the profile.
    private static byte[] DeviceKey(string profile)
    {
        using OwnerSigningKey key = OwnerSigningKey.Load(OwnerSigningKey.PathBeside(profile));
        return key.PublicKey;
    }

    private static HttpClient PlatformClient(string data, string? token = null) => DeploymentPlatform.Client(data, Bound, token);
}
