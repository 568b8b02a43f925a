using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imguard.Client.Datasets;
using Imguard.Client.Platform;
using Imguard.Client.Uploads;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Projects;
using Imguard.Contracts.Uploads;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;
using Imguard.Testing;

namespace Imguard.SystemTests;

/// <summary>
/// Party 0 SIGKILLed in the middle of a dataset upload, as a real process: the owner's client library has sent part of
/// party 0's half (more than one chunk) when the upload is cancelled and party 0 is killed; party 0 is started again
/// on the same data directory, the same upload resumes from the length the party acknowledged (not from 0), completes,
/// and the dataset becomes Ready with the half the party stores byte-for-byte the owner's file.
/// </summary>
public class PartyCrashUploadTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_party_killed_mid_upload_keeps_every_acknowledged_byte_and_the_upload_resumes_from_there()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-upload-crash-" + Guid.NewGuid().ToString("N"));
        string data = Path.Combine(root, "deployment");
        string profile = Path.Combine(root, "profile.json");
        var roles = new List<ImguardProcess>();
        ImguardProcess StartRole(params string[] arguments)
        {
            var process = ImguardProcess.Start([.. arguments, "--data-dir", data]);
            roles.Add(process);
            return process;
        }
        try
        {
            Directory.CreateDirectory(root);
            (int init, string initOutput) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", data, "--base-port", TestDeployment.FreeBasePort().ToString());
            Assert.True(init == 0, initOutput);
            string password = Regex.Match(initOutput, "admin password: (\\S+)").Groups[1].Value;
            await StartRole("audit").WaitForLineAsync("audit ready", Bound);
            await StartRole("platform").WaitForLineAsync("platform ready", Bound);
            ImguardProcess party0 = StartRole("party", "--id", "0");
            await party0.WaitForLineAsync("party-0 ready", Bound);
            await StartRole("party", "--id", "1").WaitForLineAsync("party-1 ready", Bound);
            (int login, string loginOutput) = await ImguardProcess.RunWithInputAsync(Bound, password + "\n",
                "login", "--profile", profile, "--data-dir", data, "--user", "admin", "--password-stdin");
            Assert.True(login == 0, loginOutput);

            // The owner's side, in this process: 5,000 images make party 0's full half (no seed compression) five chunks.
            using var timeout = new CancellationTokenSource(Bound);
            using PlatformApi platform = PlatformApi.FromProfile(ClientProfile.Load(profile));
            ProjectView project = await platform.CreateProjectAsync(new CreateProjectRequest("upload-crash", null, 1, 28, 28, 10), timeout.Token);
            (string images, string labels) = IdxSquares.Write(Path.Combine(root, "idx"), count: 5000, offset: 0);
            LabeledImages raw = IdxReader.LoadDataset(images, labels, [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            string datasetId = OwnerSharing.NewDatasetId();
            (OwnerHalfFiles files, _) = await OwnerSharing.ShareAsync(raw, datasetId, Path.Combine(root, "work"), null, seedCompressParty0: false, cancellationToken: timeout.Token);
            DatasetUploadView registered = await platform.RegisterDatasetAsync(project.Id, new RegisterDatasetRequest(
                "squares", DatasetPurpose.Train, raw.Count, Imguard.Mpc.Encoding.FixedPointFormat.Default.FractionalBits,
                files.Party0Digest.ToHex(), files.Party1Digest.ToHex(), datasetId), timeout.Token);
            GrantView grant0 = registered.Uploads.Single(u => u.Party == 0);
            GrantView grant1 = registered.Uploads.Single(u => u.Party == 1);
            using HttpClient party0Http = platform.PartyClient(grant0);
            using HttpClient party1Http = platform.PartyClient(grant1);
            await new ShareUploader(party1Http, 1).UploadAsync(files.Party1Path, datasetId, grant1.Grant, cancellationToken: timeout.Token);

            // Party 0's half: cancelled once two chunks are acknowledged, then party 0 is killed outright.
            long total = new FileInfo(files.Party0Path).Length;
            long acknowledged = 0;
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token))
            {
                var progress = new SynchronousProgress(p =>
                {
                    acknowledged = p.Sent;
                    if (p.Sent >= 2L * (8 << 20))
                    {
                        stop.Cancel();
                    }
                });
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                    new ShareUploader(party0Http, 0).UploadAsync(files.Party0Path, datasetId, grant0.Grant, progress, stop.Token));
            }
            Assert.InRange(acknowledged, 1, total - 1);
            await party0.KillAsync();
            ImguardProcess restarted = StartRole("party", "--id", "0");
            await restarted.WaitForLineAsync("party-0 ready", Bound);

            // The restarted party still has the upload at exactly the acknowledged length.
            string uploadId = JsonSerializer.Deserialize<UploadStatusReply>(File.ReadAllText(files.Party0Path + ".upload-0.json"), JsonSerializerOptions.Web)!.UploadId;
            using (var request = new HttpRequestMessage(HttpMethod.Get, $"api/uploads/{uploadId}"))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant0.Grant);
                using HttpResponseMessage response = await party0Http.SendAsync(request, timeout.Token);
                response.EnsureSuccessStatusCode();
                UploadStatusReply status = (await response.Content.ReadFromJsonAsync<UploadStatusReply>(timeout.Token))!;
                Assert.Equal(acknowledged, status.CommittedBytes);
            }

            // The same upload, run again, goes on from there (its first progress report is where it resumes).
            long? resumedAt = null;
            var resume = new SynchronousProgress(p => resumedAt ??= p.Sent);
            UploadCompletedReply completed = await new ShareUploader(party0Http, 0).UploadAsync(files.Party0Path, datasetId, grant0.Grant, resume, timeout.Token);
            Assert.Equal(acknowledged, resumedAt);
            Assert.Equal(files.Party0Digest.ToHex(), completed.Digest);

            DatasetView ready = await new DatasetUpload(platform).WaitUntilSettledAsync(datasetId, Bound, timeout.Token);
            Assert.Equal(DatasetStatus.Ready, ready.Status);
            // What party 0 committed is the owner's file, byte for byte.
            string stored = Path.Combine(data, "party-0", "shares", "datasets", datasetId + ".share");
            Assert.Equal(SHA256.HashData(File.ReadAllBytes(files.Party0Path)), SHA256.HashData(File.ReadAllBytes(stored)));
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

    /// <summary>Reports on the uploader's own thread, in order (<see cref="Progress{T}"/> posts them to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<(long Sent, long Total)> report) : IProgress<(long Sent, long Total)>
    {
        public void Report((long Sent, long Total) value) => report(value);
    }
}
