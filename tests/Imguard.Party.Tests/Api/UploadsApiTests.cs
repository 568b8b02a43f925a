using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imguard.Client.Uploads;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Uploads;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;
using Imguard.Mpc.Encoding;
using Imguard.Party.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;

namespace Imguard.Party.Tests.Api;

/// <summary>Party 0's upload API on 127.0.0.1 with real TLS, against a stand-in platform.</summary>
public sealed class UploadsApiTests : IAsyncLifetime
{
    private const int Party = 0;
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "imguard-party-api-" + Guid.NewGuid().ToString("N"));
    private StubPlatform? _platform;
    private ServiceContext? _service;
    private WebApplication? _party;

    private Uri PartyUrl => _deployment.Settings.Parties[Party].Api.Url;

    private string PartyDirectory => _deployment.Directory.RoleDirectory(ServiceRoles.Party(Party));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        _platform = await StubPlatform.StartAsync(_deployment);
        await StartPartyAsync();
    }

    private async Task StartPartyAsync()
    {
        _service = new ServiceContext(ServiceRoles.Party(Party), _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRoles.Party(Party)));
        _party = PartyServer.Create(_service);
        await _party.StartAsync();
    }

    private async Task StopPartyAsync()
    {
        await _party!.DisposeAsync();
        _service!.Dispose();
    }

    public async Task DisposeAsync()
    {
        await StopPartyAsync();
        await _platform!.DisposeAsync();
        _deployment.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private HttpClient Client()
    {
        X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        return new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRoles.Party(Party))) { BaseAddress = PartyUrl };
    }

    private string Grant(string dataset, int party = Party, GrantPurpose purpose = GrantPurpose.UploadDataset, TimeSpan? lifetime = null, ServiceRole signer = ServiceRole.Platform, long maxBytes = 1 << 30)
    {
        using ServiceIdentity identity = _deployment.Identity(signer);
        using ECDsa key = identity.Certificate.GetECDsaPrivateKey()!;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return GrantToken.Sign(new Grant
        {
            Purpose = purpose,
            Party = party,
            Project = "prj-1",
            Resource = dataset,
            User = "alice",
            MaxBytes = maxBytes,
            IssuedAt = now - (lifetime is { } l && l < TimeSpan.Zero ? TimeSpan.FromHours(1) : TimeSpan.Zero),
            ExpiresAt = now + (lifetime ?? TimeSpan.FromMinutes(30)),
            Nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        }, key);
    }

    /// <summary>Small images with a recognisable pattern, shared by the owner into two files.</summary>
    private async Task<(OwnerHalfFiles Files, LabeledImages Images)> ShareAsync(string dataset, int count = 40, int chunkSize = 4096)
    {
        var random = new Random(7);
        var pixels = new float[count * 8 * 8];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)(random.NextDouble() * 4 - 2);
        }
        var images = new LabeledImages(pixels, [.. Enumerable.Range(0, count).Select(i => i % 3)], 1, 8, 8, ["a", "b", "c"]);
        OwnerHalfFiles files = await DatasetHalfFile.WriteOwnerHalvesAsync(images, FixedPointFormat.Default, dataset, _work, seedCompressParty0: false, chunkSize);
        return (files, images);
    }

    [Fact]
    public async Task A_half_uploaded_in_chunks_is_stored_reported_and_holds_no_pixel()
    {
        (OwnerHalfFiles files, LabeledImages images) = await ShareAsync("ds-upload");
        using HttpClient http = Client();
        var uploader = new ShareUploader(http, Party);
        var progress = new List<long>();
        UploadCompletedReply done = await uploader.UploadAsync(files.Party0Path, "ds-upload", Grant("ds-upload"), new Progress<(long Sent, long Total)>(p => progress.Add(p.Sent)));

        Assert.Equal(files.Party0Digest.ToHex(), done.Digest);
        Assert.True(done.ReportedToPlatform);
        var report = Assert.Single(_platform!.Reports);
        Assert.Equal(("ds-upload", "party-0"), (report.Dataset, report.Party));
        Assert.Equal((1, 8, 8, 3, 40L, files.Party0Digest.ToHex()), (report.Report.Channels, report.Report.Height, report.Report.Width, report.Report.Classes, report.Report.Count, report.Report.Digest));
        Assert.False(File.Exists(files.Party0Path + ".upload-0.json"));

        // No run of the owner's encoded pixels appears anywhere the party writes.
        byte[] needle = EncodedPixels(images, start: 100, words: 3);
        foreach (string file in Directory.EnumerateFiles(PartyDirectory, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(-1, File.ReadAllBytes(file).AsSpan().IndexOf(needle));
        }
        // The scan can fail: the same needle is found in the plaintext encoding of the images.
        byte[] plain = EncodedPixels(images, start: 0, words: images.Pixels.Length);
        Assert.NotEqual(-1, plain.AsSpan().IndexOf(needle));
    }

    private static byte[] EncodedPixels(LabeledImages images, int start, int words)
    {
        var bytes = new byte[words * 8];
        for (int i = 0; i < words; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), FixedPointFormat.Default.Encode(images.Pixels[start + i]));
        }
        return bytes;
    }

    [Fact]
    public async Task An_upload_interrupted_by_a_party_restart_resumes_where_it_stopped()
    {
        (OwnerHalfFiles files, _) = await ShareAsync("ds-resume", count: 60);
        string grant = Grant("ds-resume");
        long total = new FileInfo(files.Party0Path).Length;
        byte[] bytes = File.ReadAllBytes(files.Party0Path);
        UploadStatusReply begun;
        using (HttpClient http = Client())
        {
            begun = await Send<UploadStatusReply>(http, HttpMethod.Post, "api/uploads/", grant, JsonContent.Create(new UploadBeginRequest("ds-resume", total)));
            await PutChunk(http, begun.UploadId, 0, bytes.AsMemory(0, 3000), grant);
            File.WriteAllText(files.Party0Path + ".upload-0.json", System.Text.Json.JsonSerializer.Serialize(begun, System.Text.Json.JsonSerializerOptions.Web));
        }
        await StopPartyAsync();
        await StartPartyAsync();

        using HttpClient again = Client();
        UploadStatusReply status = await Send<UploadStatusReply>(again, HttpMethod.Get, $"api/uploads/{begun.UploadId}", grant);
        Assert.Equal(3000, status.CommittedBytes);
        UploadCompletedReply done = await new ShareUploader(again, Party).UploadAsync(files.Party0Path, "ds-resume", grant);
        Assert.Equal(files.Party0Digest.ToHex(), done.Digest);
    }

    [Fact]
    public async Task A_chunk_whose_hash_does_not_match_is_refused_and_not_written()
    {
        (OwnerHalfFiles files, _) = await ShareAsync("ds-hash");
        string grant = Grant("ds-hash");
        byte[] bytes = File.ReadAllBytes(files.Party0Path);
        using HttpClient http = Client();
        UploadStatusReply begun = await Send<UploadStatusReply>(http, HttpMethod.Post, "api/uploads/", grant, JsonContent.Create(new UploadBeginRequest("ds-hash", bytes.Length)));
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/uploads/{begun.UploadId}/chunks/0") { Content = new ByteArrayContent(bytes, 0, 1000) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        request.Headers.Add(UploadHeaders.ChunkSha256, Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, 999))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.SendAsync(request)).StatusCode);
        Assert.Equal(0, (await Send<UploadStatusReply>(http, HttpMethod.Get, $"api/uploads/{begun.UploadId}", grant)).CommittedBytes);

        await PutChunk(http, begun.UploadId, 0, bytes.AsMemory(0, 1000), grant);
        using var gap = new HttpRequestMessage(HttpMethod.Put, $"api/uploads/{begun.UploadId}/chunks/2000") { Content = new ByteArrayContent(bytes, 2000, 10) };
        gap.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        gap.Headers.Add(UploadHeaders.ChunkSha256, Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(2000, 10))));
        Assert.Equal(HttpStatusCode.Conflict, (await http.SendAsync(gap)).StatusCode);
    }

    [Fact]
    public async Task A_truncated_half_is_refused_at_completion_and_never_stored()
    {
        (OwnerHalfFiles files, _) = await ShareAsync("ds-short");
        string grant = Grant("ds-short");
        byte[] bytes = File.ReadAllBytes(files.Party0Path);
        string truncated = Path.Combine(_work, "short.share");
        File.WriteAllBytes(truncated, bytes[..^100]);
        using HttpClient http = Client();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => new ShareUploader(http, Party).UploadAsync(truncated, "ds-short", grant));
        Assert.Contains("422", error.Message, StringComparison.Ordinal);
        Assert.Empty(_platform!.Reports);
        Assert.False(File.Exists(Path.Combine(PartyDirectory, "shares", "datasets", "ds-short.share")));
    }

    [Fact]
    public async Task A_half_for_another_dataset_id_than_granted_is_refused()
    {
        (OwnerHalfFiles files, _) = await ShareAsync("ds-real");
        using HttpClient http = Client();
        // A grant for ds-other, used to upload the file whose header says ds-real under the name ds-other.
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => new ShareUploader(http, Party).UploadAsync(files.Party0Path, "ds-other", Grant("ds-other")));
        Assert.Contains("422", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Each bad grant, the status it gets (RFC 6750: 401 for a missing or invalid token, 403 for one out of scope) and its challenge's error.</summary>
    public static TheoryData<string, HttpStatusCode, string?> BadGrants => new()
    {
        { "none", HttpStatusCode.Unauthorized, null },
        { "garbage", HttpStatusCode.Unauthorized, "invalid_token" },
        { "other-party", HttpStatusCode.Forbidden, "insufficient_scope" },
        { "other-dataset", HttpStatusCode.Forbidden, "insufficient_scope" },
        { "expired", HttpStatusCode.Unauthorized, "invalid_token" },
        { "signed-by-a-party", HttpStatusCode.Unauthorized, "invalid_token" },
        { "wrong-purpose", HttpStatusCode.Forbidden, "insufficient_scope" },
        { "foreign-ca", HttpStatusCode.Unauthorized, "invalid_token" },
    };

    [Theory]
    [MemberData(nameof(BadGrants))]
    public async Task Uploads_without_a_valid_grant_for_this_party_and_dataset_are_refused_with_a_bearer_challenge(string kind, HttpStatusCode expected, string? error)
    {
        string? grant = kind switch
        {
            "none" => null,
            "garbage" => "igg1.not-a-grant",
            "other-party" => Grant("ds-x", party: 1),
            "other-dataset" => Grant("ds-y"),
            "expired" => Grant("ds-x", lifetime: TimeSpan.FromMinutes(-10)),
            "signed-by-a-party" => Grant("ds-x", signer: ServiceRole.Party1),
            "wrong-purpose" => Grant("ds-x", purpose: GrantPurpose.DownloadModel),
            _ => ForeignGrant("ds-x"),
        };
        using HttpClient http = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/uploads/") { Content = JsonContent.Create(new UploadBeginRequest("ds-x", 1000)) };
        if (grant is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        }
        HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        AuthenticationHeaderValue challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("realm=\"imguard-party\"", challenge.Parameter, StringComparison.Ordinal);
        if (error is null)
        {
            Assert.DoesNotContain("error=", challenge.Parameter, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"error=\"{error}\"", challenge.Parameter, StringComparison.Ordinal);
        }
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(PartyDirectory, "shares", "uploads")));
    }

    private static string ForeignGrant(string dataset)
    {
        using CertificateAuthority stranger = CertificateAuthority.Create("Someone else's CA");
        using X509Certificate2 platform = stranger.IssueCertificate("platform");
        using ECDsa key = platform.GetECDsaPrivateKey()!;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return GrantToken.Sign(new Grant
        {
            Purpose = GrantPurpose.UploadDataset, Party = Party, Project = "p", Resource = dataset, User = "mallory",
            MaxBytes = 1 << 30, IssuedAt = now, ExpiresAt = now.AddMinutes(5), Nonce = "00",
        }, key);
    }

    [Fact]
    public async Task An_upload_larger_than_the_grant_allows_is_refused()
    {
        using HttpClient http = Client();
        string grant = Grant("ds-big", maxBytes: 1000);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/uploads/") { Content = JsonContent.Create(new UploadBeginRequest("ds-big", 1001)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Only_the_platform_can_delete_a_half()
    {
        (OwnerHalfFiles files, _) = await ShareAsync("ds-del");
        using (HttpClient http = Client())
        {
            await new ShareUploader(http, Party).UploadAsync(files.Party0Path, "ds-del", Grant("ds-del"));
            Assert.Equal(HttpStatusCode.Forbidden, (await http.DeleteAsync("internal/datasets/ds-del")).StatusCode);
        }
        using ServiceIdentity otherParty = _deployment.Identity(ServiceRole.Party1);
        using (var asParty = new HttpClient(MutualTls.CreateServiceHandler(otherParty, ServiceRoles.Party(Party))) { BaseAddress = PartyUrl })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await asParty.DeleteAsync("internal/datasets/ds-del")).StatusCode);
        }
        string stored = Path.Combine(PartyDirectory, "shares", "datasets", "ds-del.share");
        Assert.True(File.Exists(stored));
        using ServiceIdentity platform = _deployment.Identity(ServiceRole.Platform);
        using var asPlatform = new HttpClient(MutualTls.CreateServiceHandler(platform, ServiceRoles.Party(Party))) { BaseAddress = PartyUrl };
        (await asPlatform.DeleteAsync("internal/datasets/ds-del")).EnsureSuccessStatusCode();
        Assert.False(File.Exists(stored));
    }

    private static async Task PutChunk(HttpClient http, string uploadId, long offset, ReadOnlyMemory<byte> chunk, string grant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/uploads/{uploadId}/chunks/{offset}") { Content = new ByteArrayContent(chunk.ToArray()) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        request.Headers.Add(UploadHeaders.ChunkSha256, Convert.ToHexStringLower(SHA256.HashData(chunk.Span)));
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private static async Task<T> Send<T>(HttpClient http, HttpMethod method, string path, string grant, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        using HttpResponseMessage response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }
}
