using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Shares;
using Imguard.Contracts.Uploads;
using Imguard.Party.Server;
using Imguard.Party.Tests.Api;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using static Imguard.Party.Tests.Shares.ShareFixtures;

namespace Imguard.Party.Tests.Security;

/// <summary>
/// Party 0's API against the attacks of issue 14 (real TLS, a stand-in platform): storage quotas, uploads of deleted
/// or rejected datasets, answers that would leak a server path, RFC 6750 challenges, a model grant used for another
/// job, and a body sent to a service endpoint by a caller without the role. Party 0 asks the platform about the
/// dataset before every chunk (check interval 0) and holds room for one small half per user.
/// </summary>
public sealed class UploadAbuseTests : IAsyncLifetime
{
    private const int Party = 0;
    private const long Quota = 3000; // one ~1.9 KB half fits, two do not
    private readonly TestDeployment _deployment = TestDeployment.Create(settings => settings.WithParty(Party, p => p with
    {
        MaxUploadBytes = Quota,
        UserQuotaBytes = Quota,
        ProjectQuotaBytes = Quota,
        DatasetCheckInterval = TimeSpan.Zero,
    }));

    private StubPlatform? _platform;
    private ServiceContext? _service;
    private WebApplication? _party;

    private Uri PartyUrl => _deployment.Settings.Parties[Party].Api.Url;

    private string SharesDirectory => Path.Combine(_deployment.Directory.RoleDirectory(ServiceRoles.Party(Party)), "shares");

    public async Task InitializeAsync()
    {
        _platform = await StubPlatform.StartAsync(_deployment);
        _service = new ServiceContext(ServiceRoles.Party(Party), _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRoles.Party(Party)));
        _party = PartyServer.Create(_service);
        await _party.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _party!.DisposeAsync();
        _service!.Dispose();
        await _platform!.DisposeAsync();
        _deployment.Dispose();
    }

    [Fact]
    public async Task A_user_past_the_storage_quota_gets_413_naming_the_quota()
    {
        var (first, _) = await FileAsync("ds-q1", party: Party);
        var (second, _) = await FileAsync("ds-q2", party: Party, seed: 2);
        Assert.InRange((long)first.Length, Quota / 2 + 1, Quota);
        using HttpClient http = Client();
        await UploadAsync(http, first, "ds-q1");

        using HttpResponseMessage refused = await BeginAsync(http, Grant("ds-q2"), "ds-q2", second.Length);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        ProblemDetails problem = (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Equal("QuotaExceeded", problem.Title);
        Assert.Contains("user storage quota at this party is 3000 bytes", problem.Detail, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(SharesDirectory, "uploads")));
    }

    [Fact]
    public async Task After_the_platform_deletes_a_dataset_its_upload_is_removed_and_further_chunks_and_begins_get_410()
    {
        var (file, _) = await FileAsync("ds-del", party: Party);
        string grant = Grant("ds-del");
        using HttpClient http = Client();
        UploadStatusReply begun = await ReadAsync<UploadStatusReply>(await BeginAsync(http, grant, "ds-del", file.Length));
        Assert.Equal(HttpStatusCode.OK, (await PutChunkAsync(http, grant, begun.UploadId, 0, file.AsMemory(0, 500))).StatusCode);

        using ServiceIdentity platform = _deployment.Identity(ServiceRole.Platform);
        using var asPlatform = new HttpClient(MutualTls.CreateServiceHandler(platform, ServiceRoles.Party(Party))) { BaseAddress = PartyUrl };
        (await asPlatform.DeleteAsync("internal/datasets/ds-del")).EnsureSuccessStatusCode();

        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(SharesDirectory, "uploads")));
        Assert.Equal(HttpStatusCode.Gone, (await PutChunkAsync(http, grant, begun.UploadId, 500, file.AsMemory(500, 500))).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await SendAsync(http, HttpMethod.Get, $"api/uploads/{begun.UploadId}", grant)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await BeginAsync(http, grant, "ds-del", file.Length)).StatusCode);
    }

    [Fact]
    public async Task An_upload_of_a_dataset_the_platform_rejects_meanwhile_stops_at_its_next_chunk()
    {
        var (file, _) = await FileAsync("ds-rej", party: Party);
        _platform!.Registrations["ds-rej"] = View("ds-rej", "Registered");
        string grant = Grant("ds-rej");
        using HttpClient http = Client();
        UploadStatusReply begun = await ReadAsync<UploadStatusReply>(await BeginAsync(http, grant, "ds-rej", file.Length));
        Assert.Equal(HttpStatusCode.OK, (await PutChunkAsync(http, grant, begun.UploadId, 0, file.AsMemory(0, 500))).StatusCode);

        // The other party's half did not match: the platform says Rejected when this party next asks.
        _platform.Registrations["ds-rej"] = View("ds-rej", "Rejected");
        using HttpResponseMessage stopped = await PutChunkAsync(http, grant, begun.UploadId, 500, file.AsMemory(500, 500));
        Assert.Equal(HttpStatusCode.Gone, stopped.StatusCode);
        Assert.Contains("rejected", (await stopped.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(SharesDirectory, "uploads")));
        Assert.Equal(HttpStatusCode.Gone, (await BeginAsync(http, grant, "ds-rej", file.Length)).StatusCode);
    }

    [Fact]
    public async Task A_rejection_in_the_reply_to_this_party_s_half_report_stops_its_other_uploads_of_the_dataset()
    {
        var (file, _) = await FileAsync("ds-twice", party: Party);
        _platform!.Registrations["ds-twice"] = View("ds-twice", "Registered");
        _platform.ReportReplies["ds-twice"] = View("ds-twice", "Rejected"); // the half did not match the registration
        string grant = Grant("ds-twice");
        using HttpClient http = Client();
        UploadStatusReply other = await ReadAsync<UploadStatusReply>(await BeginAsync(http, grant, "ds-twice", file.Length));
        Assert.Equal(HttpStatusCode.OK, (await PutChunkAsync(http, grant, other.UploadId, 0, file.AsMemory(0, 500))).StatusCode);
        string upload = Path.Combine(SharesDirectory, "uploads", other.UploadId);

        // Another owner (the quota holds one half per user and project) uploads the same dataset to the end.
        await UploadAsync(http, file, "ds-twice", user: "bob", project: "prj-2");

        // Only the reply said Rejected (the platform's GET still says Registered): the other upload stopped anyway.
        Assert.False(Directory.Exists(upload));
        Assert.Equal(HttpStatusCode.Gone, (await PutChunkAsync(http, grant, other.UploadId, 500, file.AsMemory(500, 500))).StatusCode);
    }

    [Fact]
    public async Task A_dataset_the_platform_has_rejected_cannot_begin_an_upload()
    {
        _platform!.Registrations["ds-gone"] = View("ds-gone", "Rejected");
        var (file, _) = await FileAsync("ds-gone", party: Party);
        using HttpClient http = Client();
        Assert.Equal(HttpStatusCode.Gone, (await BeginAsync(http, Grant("ds-gone"), "ds-gone", file.Length)).StatusCode);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(SharesDirectory, "uploads")));
    }

    [Fact]
    public async Task A_corrupt_half_is_refused_with_422_and_no_server_path()
    {
        var (file, _) = await FileAsync("ds-bad", party: Party);
        file[ShareFileFormat.HeaderSizeV1 + 10] ^= 1; // a payload byte: the header passes, a chunk hash fails at completion
        using HttpClient http = Client();
        string grant = Grant("ds-bad");
        UploadStatusReply begun = await ReadAsync<UploadStatusReply>(await BeginAsync(http, grant, "ds-bad", file.Length));
        Assert.Equal(HttpStatusCode.OK, (await PutChunkAsync(http, grant, begun.UploadId, 0, file)).StatusCode);

        using HttpResponseMessage refused = await SendAsync(http, HttpMethod.Post, $"api/uploads/{begun.UploadId}/complete", grant);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        string body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("ds-bad", body, StringComparison.Ordinal);
        Assert.DoesNotContain(_deployment.Directory.Root, body, StringComparison.Ordinal);
        Assert.DoesNotContain("upload.partial", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), body, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> GrantProtected => new()
    {
        { "POST", "api/uploads/" },
        { "GET", "api/uploads/0123456789abcdef0123456789abcdef" },
        { "PUT", "api/uploads/0123456789abcdef0123456789abcdef/chunks/0" },
        { "POST", "api/uploads/0123456789abcdef0123456789abcdef/complete" },
        { "DELETE", "api/uploads/0123456789abcdef0123456789abcdef" },
        { "GET", "api/models/job-1/share" },
        { "GET", "api/models/job-1/evaluation" },
    };

    [Theory]
    [MemberData(nameof(GrantProtected))]
    public async Task Every_grant_protected_endpoint_answers_a_missing_grant_with_401_and_a_bearer_challenge(string method, string path)
    {
        using HttpClient http = Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{ not json", Encoding.UTF8, "application/json") };
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"imguard-party\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task A_model_grant_for_another_job_is_refused_as_for_another_job()
    {
        using HttpClient http = Client();
        using HttpResponseMessage response = await SendAsync(http, HttpMethod.Get, "api/models/job-b/share", Grant("job-a", GrantPurpose.DownloadModel));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("the grant is for another job", (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Contains("error=\"insufficient_scope\"", Assert.Single(response.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_without_the_platform_certificate_gets_403_on_internal_endpoints_whatever_the_body()
    {
        using HttpClient anonymous = Client();
        using ServiceIdentity otherParty = _deployment.Identity(ServiceRole.Party1);
        using var asParty = new HttpClient(MutualTls.CreateServiceHandler(otherParty, ServiceRoles.Party(Party))) { BaseAddress = PartyUrl };
        foreach (HttpClient stranger in new[] { anonymous, asParty })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsync("internal/jobs/job-1/start", new StringContent("{ not json", Encoding.UTF8, "application/json"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsync("internal/jobs/job-1/start", new StringContent("x", Encoding.UTF8, "text/plain"))).StatusCode);
        }
        // The platform's certificate reaches the endpoint, which does check the body.
        using ServiceIdentity platform = _deployment.Identity(ServiceRole.Platform);
        using var asPlatform = new HttpClient(MutualTls.CreateServiceHandler(platform, ServiceRoles.Party(Party))) { BaseAddress = PartyUrl };
        Assert.Equal(HttpStatusCode.BadRequest, (await asPlatform.PostAsync("internal/jobs/job-1/start", new StringContent("{ not json", Encoding.UTF8, "application/json"))).StatusCode);
    }

    private static PartyDatasetView View(string id, string status) => new(id, status, 1, 4, 4, 3, 12, 16);

    private HttpClient Client()
    {
        X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory); // the handler keeps using it
        return new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRoles.Party(Party))) { BaseAddress = PartyUrl };
    }

    private string Grant(string resource, GrantPurpose purpose = GrantPurpose.UploadDataset, string user = "alice", string project = "prj-1")
    {
        using ServiceIdentity identity = _deployment.Identity(ServiceRole.Platform);
        using ECDsa key = identity.Certificate.GetECDsaPrivateKey()!;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return GrantToken.Sign(new Grant
        {
            Purpose = purpose, Party = Party, Project = project, Resource = resource, User = user, MaxBytes = 1 << 20,
            IssuedAt = now, ExpiresAt = now.AddMinutes(10), Nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        }, key);
    }

    private async Task UploadAsync(HttpClient http, byte[] file, string datasetId, string user = "alice", string project = "prj-1")
    {
        string grant = Grant(datasetId, user: user, project: project);
        UploadStatusReply begun = await ReadAsync<UploadStatusReply>(await BeginAsync(http, grant, datasetId, file.Length));
        Assert.Equal(HttpStatusCode.OK, (await PutChunkAsync(http, grant, begun.UploadId, 0, file)).StatusCode);
        (await SendAsync(http, HttpMethod.Post, $"api/uploads/{begun.UploadId}/complete", grant)).EnsureSuccessStatusCode();
    }

    private static Task<HttpResponseMessage> BeginAsync(HttpClient http, string grant, string datasetId, long total) =>
        SendAsync(http, HttpMethod.Post, "api/uploads/", grant, JsonContent.Create(new UploadBeginRequest(datasetId, total)));

    private static Task<HttpResponseMessage> PutChunkAsync(HttpClient http, string grant, string uploadId, long offset, ReadOnlyMemory<byte> chunk)
    {
        var content = new ByteArrayContent(chunk.ToArray());
        var request = new HttpRequestMessage(HttpMethod.Put, $"api/uploads/{uploadId}/chunks/{offset}") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        request.Headers.Add(UploadHeaders.ChunkSha256, Convert.ToHexStringLower(SHA256.HashData(chunk.Span)));
        return http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string grant, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        return http.SendAsync(request);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        using (response)
        {
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<T>())!;
        }
    }
}
