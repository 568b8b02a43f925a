using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Imguard.Client.Datasets;
using Imguard.Client.Platform;
using Imguard.Client.Uploads;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Projects;
using Imguard.Contracts.Shares;
using Imguard.Contracts.Uploads;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;
using Imguard.Testing;

namespace Imguard.SystemTests.Security;

/// <summary>
/// The party side of issue 14's attacks, replayed against real processes (<c>imguard up</c> on 127.0.0.1): an
/// abandoned upload expires, an upload of a deleted or rejected dataset stops at its next chunk, a user past the
/// storage quota is refused, and hostile requests get clean answers (401 with a challenge, 403 before the body,
/// a 422 without a server path). One deployment for the class; party 0 runs with a 3-second upload expiry, asks the
/// platform about a dataset at most every second, and holds room for one and a half of the test's halves.
/// </summary>
public sealed class PartyUploadAttackTests(PartyUploadAttackTests.Deployment deployment) : IClassFixture<PartyUploadAttackTests.Deployment>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_abandoned_upload_is_removed_after_the_expiry()
    {
        Dataset dataset = await deployment.RegisterAsync();
        using HttpClient party0 = deployment.Party(0);
        string uploadId = await BeginAsync(party0, dataset, chunks: 1);
        string directory = Path.Combine(deployment.Data, "party-0", "shares", "uploads", uploadId);
        Assert.True(Directory.Exists(directory));

        // Nothing more is sent: within the expiry (3 s) and one sweep period (1.5 s) the upload is gone.
        HttpResponseMessage? status = null;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Bound)
        {
            status = await party0.SendAsync(Authorized(HttpMethod.Get, $"api/uploads/{uploadId}", dataset.Grant0));
            if (status.StatusCode != HttpStatusCode.OK)
            {
                break;
            }
            await Task.Delay(500);
        }
        Assert.Equal(HttpStatusCode.NotFound, status!.StatusCode);
        Assert.Contains("received no chunk", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Chunks_of_a_dataset_the_owner_deletes_are_refused_and_the_upload_is_removed()
    {
        Dataset dataset = await deployment.RegisterAsync();
        using HttpClient party0 = deployment.Party(0);
        string uploadId = await BeginAsync(party0, dataset, chunks: 2);

        await deployment.Platform.DeleteDatasetAsync(dataset.Id);
        (int sent, HttpResponseMessage refused) = await SendUntilRefusedAsync(party0, dataset, uploadId, from: 2);

        Assert.Equal(HttpStatusCode.Gone, refused.StatusCode);
        Assert.Contains("deleted", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.InRange(sent, 2, dataset.ChunkCount - 1);
        Assert.False(Directory.Exists(Path.Combine(deployment.Data, "party-0", "shares", "uploads", uploadId)));
        // The grant is still valid, but the dataset takes no new upload.
        Assert.Equal(HttpStatusCode.Gone, (await party0.SendAsync(BeginRequest(dataset))).StatusCode);
    }

    [Fact]
    public async Task An_upload_of_a_dataset_rejected_meanwhile_stops_within_the_check_interval()
    {
        // Party 1's half does not match the digest registered for it: its report makes the dataset Rejected.
        Dataset dataset = await deployment.RegisterAsync(wrongDigest1: true);
        using HttpClient party0 = deployment.Party(0);
        using HttpClient party1 = deployment.Party(1);
        string uploadId = await BeginAsync(party0, dataset, chunks: 1);
        await new ShareUploader(party1, 1).UploadAsync(dataset.Files.Party1Path, dataset.Id, dataset.Grant1);
        Assert.Equal(DatasetStatus.Rejected, (await deployment.Platform.GetDatasetAsync(dataset.Id)).Status);

        var clock = Stopwatch.StartNew();
        (_, HttpResponseMessage refused) = await SendUntilRefusedAsync(party0, dataset, uploadId, from: 1);
        Assert.Equal(HttpStatusCode.Gone, refused.StatusCode);
        Assert.Contains("rejected", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"stopped only after {clock.Elapsed}");
        Assert.False(Directory.Exists(Path.Combine(deployment.Data, "party-0", "shares", "uploads", uploadId)));
    }

    [Fact]
    public async Task A_user_past_the_party_storage_quota_is_refused_with_413()
    {
        Dataset stored = await deployment.RegisterAsync();
        using HttpClient party0 = deployment.Party(0);
        await new ShareUploader(party0, 0).UploadAsync(stored.Files.Party0Path, stored.Id, stored.Grant0);

        Dataset next = await deployment.RegisterAsync();
        using HttpResponseMessage refused = await party0.SendAsync(BeginRequest(next));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        string body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("user storage quota at this party", body, StringComparison.Ordinal);
        Assert.Contains("'admin'", body, StringComparison.Ordinal);

        // Deleting the stored dataset gives the room back (once both parties have confirmed, the platform says Deleted).
        await deployment.Platform.DeleteDatasetAsync(stored.Id);
        var clock = Stopwatch.StartNew();
        while ((await deployment.Platform.GetDatasetAsync(stored.Id)).Status != DatasetStatus.Deleted)
        {
            Assert.True(clock.Elapsed < Bound, "the platform did not finish deleting the dataset");
            await Task.Delay(250);
        }
        using HttpResponseMessage begun = await party0.SendAsync(BeginRequest(next));
        string uploadId = (await begun.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<UploadStatusReply>())!.UploadId;
        (await party0.SendAsync(Authorized(HttpMethod.Delete, $"api/uploads/{uploadId}", next.Grant0))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Hostile_requests_get_a_bearer_challenge_a_403_before_the_body_and_no_server_path()
    {
        using HttpClient party0 = deployment.Party(0);
        // No grant: 401 with an RFC 6750 challenge.
        using (HttpResponseMessage response = await party0.PostAsync("api/uploads/", new StringContent("{\"datasetId\":\"ds-x\",\"totalBytes\":1000}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }
        // No platform certificate: 403 on the job endpoint whatever the body (it used to answer 400 for a bad one).
        using (HttpResponseMessage response = await party0.PostAsync("internal/jobs/job-x/start", new StringContent("{ not json", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        // A half with a corrupted payload byte: 422 at completion, naming the dataset, not the party's files.
        Dataset dataset = await deployment.RegisterAsync();
        byte[] bytes = await File.ReadAllBytesAsync(dataset.Files.Party0Path);
        bytes[ShareFileFormat.HeaderSizeV1 + 100] ^= 1;
        string corrupt = dataset.Files.Party0Path + ".corrupt";
        await File.WriteAllBytesAsync(corrupt, bytes);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => new ShareUploader(party0, 0).UploadAsync(corrupt, dataset.Id, dataset.Grant0));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.StatusCode);
        Assert.Contains(dataset.Id, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(deployment.Data, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("upload.partial", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Begins party 0's upload of <paramref name="dataset"/> and sends its first chunks; returns the upload id.</summary>
    private static async Task<string> BeginAsync(HttpClient party0, Dataset dataset, int chunks)
    {
        using HttpResponseMessage begun = await party0.SendAsync(BeginRequest(dataset));
        string uploadId = (await begun.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<UploadStatusReply>())!.UploadId;
        for (int i = 0; i < chunks; i++)
        {
            (await party0.SendAsync(ChunkRequest(dataset, uploadId, i))).EnsureSuccessStatusCode();
        }
        return uploadId;
    }

    /// <summary>Sends the next chunks a few times a second (so the upload never idles into expiry) until one is refused.</summary>
    private static async Task<(int Sent, HttpResponseMessage Refused)> SendUntilRefusedAsync(HttpClient party0, Dataset dataset, string uploadId, int from)
    {
        for (int i = from; i < dataset.ChunkCount; i++)
        {
            HttpResponseMessage response = await party0.SendAsync(ChunkRequest(dataset, uploadId, i));
            if (!response.IsSuccessStatusCode)
            {
                return (i, response);
            }
            await Task.Delay(250);
        }
        throw new InvalidOperationException($"Every one of the {dataset.ChunkCount} chunks was taken.");
    }

    private static HttpRequestMessage BeginRequest(Dataset dataset) =>
        Authorized(HttpMethod.Post, "api/uploads/", dataset.Grant0, JsonContent.Create(new UploadBeginRequest(dataset.Id, dataset.Bytes0.Length)));

    private static HttpRequestMessage ChunkRequest(Dataset dataset, string uploadId, int index)
    {
        int offset = index * Dataset.ChunkBytes;
        var chunk = dataset.Bytes0.AsMemory(offset, Math.Min(Dataset.ChunkBytes, dataset.Bytes0.Length - offset));
        HttpRequestMessage request = Authorized(HttpMethod.Put, $"api/uploads/{uploadId}/chunks/{offset}", dataset.Grant0, new ByteArrayContent(chunk.ToArray()));
        request.Headers.Add(UploadHeaders.ChunkSha256, Convert.ToHexStringLower(SHA256.HashData(chunk.Span)));
        return request;
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string grant, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        return request;
    }

    /// <summary>A registered dataset: its halves on the owner's side, party 0's bytes, and both upload grants.</summary>
    public sealed record Dataset(string Id, OwnerHalfFiles Files, byte[] Bytes0, string Grant0, string Grant1)
    {
        /// <summary>Small chunks, so an upload lasts long enough to be stopped halfway.</summary>
        public const int ChunkBytes = 2048;

        public int ChunkCount => (Bytes0.Length + ChunkBytes - 1) / ChunkBytes;
    }

    /// <summary>One deployment for the class: <c>imguard init</c>, party 0's settings tightened, <c>imguard up</c>, a login and a project.</summary>
    public sealed class Deployment : IAsyncLifetime
    {
        private const int Images = 20;
        private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-party-attack-" + Guid.NewGuid().ToString("N"));
        private ImguardProcess? _up;
        private LabeledImages? _images;
        private Guid _project;

        public string Data => Path.Combine(_root, "deployment");

        public PlatformApi Platform { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_root);
            (string images, string labels) = IdxSquares.Write(Path.Combine(_root, "idx"), count: Images, offset: 0);
            _images = IdxReader.LoadDataset(images, labels, [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            // The size of party 0's half of any dataset here (same images, same format): the quota holds one and a half.
            OwnerHalfFiles probe = (await OwnerSharing.ShareAsync(_images, OwnerSharing.NewDatasetId(), Path.Combine(_root, "probe"), null, seedCompressParty0: false)).Files;
            long half = new FileInfo(probe.Party0Path).Length;

            (int init, string initOutput) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", Data, "--base-port", TestDeployment.FreeBasePort().ToString());
            Assert.True(init == 0, initOutput);
            string password = Regex.Match(initOutput, "admin password: (\\S+)").Groups[1].Value;
            string settingsPath = Path.Combine(Data, "imguard.json");
            JsonNode settings = JsonNode.Parse(await File.ReadAllTextAsync(settingsPath))!;
            JsonNode party0 = settings["parties"]![0]!;
            party0["incompleteUploadExpiry"] = "00:00:03";
            party0["datasetCheckInterval"] = "00:00:01";
            party0["maxUploadBytes"] = half + half / 2;
            party0["userQuotaBytes"] = half + half / 2;
            party0["projectQuotaBytes"] = half + half / 2;
            await File.WriteAllTextAsync(settingsPath, settings.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

            _up = ImguardProcess.Start("up", "--data-dir", Data);
            await _up.WaitForLineAsync("IMGuard is up", 2 * Bound); // four processes starting on a busy 2-core machine took over 60 s
            string profile = Path.Combine(_root, "profile.json");
            (int login, string loginOutput) = await ImguardProcess.RunWithInputAsync(Bound, password + "\n",
                "login", "--profile", profile, "--data-dir", Data, "--user", "admin", "--password-stdin");
            Assert.True(login == 0, loginOutput);
            Platform = PlatformApi.FromProfile(ClientProfile.Load(profile));
            _project = (await Platform.CreateProjectAsync(new CreateProjectRequest("party-attacks", null, 1, 28, 28, 10))).Id;
        }

        /// <summary>Shares the test images as a new dataset and registers it (party 1's digest wrong when asked).</summary>
        public async Task<Dataset> RegisterAsync(bool wrongDigest1 = false)
        {
            string id = OwnerSharing.NewDatasetId();
            (OwnerHalfFiles files, _) = await OwnerSharing.ShareAsync(_images!, id, Path.Combine(_root, "work", id), null, seedCompressParty0: false);
            string digest1 = wrongDigest1 ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("not party 1's half"))) : files.Party1Digest.ToHex();
            DatasetUploadView registered = await Platform.RegisterDatasetAsync(_project, new RegisterDatasetRequest(
                "squares", DatasetPurpose.Train, _images!.Count, Imguard.Mpc.Encoding.FixedPointFormat.Default.FractionalBits, files.Party0Digest.ToHex(), digest1, id));
            return new Dataset(id, files, await File.ReadAllBytesAsync(files.Party0Path),
                registered.Uploads.Single(u => u.Party == 0).Grant, registered.Uploads.Single(u => u.Party == 1).Grant);
        }

        public HttpClient Party(int party) =>
            Platform.PartyClient(party, new Uri(JsonNode.Parse(File.ReadAllText(Path.Combine(Data, "imguard.json")))!["parties"]![party]!["api"]!["url"]!.GetValue<string>()));

        public async Task DisposeAsync()
        {
            Platform?.Dispose();
            if (_up is not null)
            {
                await _up.DisposeAsync();
            }
            Directory.Delete(_root, recursive: true);
        }
    }
}
