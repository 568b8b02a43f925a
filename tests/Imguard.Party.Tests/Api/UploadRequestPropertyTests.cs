using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CsCheck;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Uploads;
using Imguard.Party.Api;
using Imguard.Party.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using static Imguard.Party.Tests.Shares.ShareFixtures;

namespace Imguard.Party.Tests.Api;

/// <summary>
/// The upload endpoints' parsers fed random and mutated input over real HTTPS, with a valid grant so the input gets
/// past authorisation: begin bodies, chunk bodies, <c>X-Chunk-SHA256</c> headers and offsets. Every answer is a
/// clean refusal or success (below 500), and the party keeps serving.
/// </summary>
public sealed class UploadRequestPropertyTests : IAsyncLifetime
{
    private const int Party = 0;
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private StubPlatform? _platform;
    private ServiceContext? _service;
    private WebApplication? _party;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        _platform = await StubPlatform.StartAsync(_deployment);
        _service = new ServiceContext(ServiceRole.Party0, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Party0));
        _party = PartyServer.Create(_service, uploadLimits: new UploadRateLimits { ControlPerMinute = 1_000_000, ConcurrentChunks = 256 });
        await _party.StartAsync();
        X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory); // the handler keeps using it
        _http = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Party0)) { BaseAddress = _deployment.Settings.Parties[Party].Api.Url };
    }

    public async Task DisposeAsync()
    {
        _http!.Dispose();
        await _party!.DisposeAsync();
        _service!.Dispose();
        await _platform!.DisposeAsync();
        _deployment.Dispose();
    }

    private static readonly string[] BeginFields = ["datasetId", "totalBytes", "DatasetId", "TOTALBYTES", "extra"];

    private static readonly string[] BeginValues =
        ["null", "\"\"", "\"ds-p\"", "\"ds-other\"", "\"../x\"", "0", "-1", "1", "2000", "1e30", "9223372036854775807", "-9223372036854775808",
         "\"2000\"", "true", "[]", "{}", "[[[[[[[[]]]]]]]]", "\"\\u0000\"", "1.5"];

    /// <summary>A begin body: random bytes, JSON objects of odd fields and values, or the valid body mutated.</summary>
    private static Gen<byte[]> BeginBody =>
        Gen.OneOf(
            Gen.Byte.Array[0, 300],
            Gen.Select(Gen.Int[0, BeginFields.Length - 1], Gen.Int[0, BeginValues.Length - 1]).Array[0, 4].Select(pairs =>
                Encoding.UTF8.GetBytes("{" + string.Join(",", pairs.Select(p => $"\"{BeginFields[p.Item1]}\":{BeginValues[p.Item2]}")) + "}")),
            Gen.Select(Gen.Int[0, 1000], Gen.Byte, (at, value) =>
            {
                byte[] valid = Encoding.UTF8.GetBytes("{\"datasetId\":\"ds-p\",\"totalBytes\":2000}");
                valid[at % valid.Length] = value;
                return valid;
            }));

    [Fact]
    public async Task Any_begin_body_gets_a_clean_answer()
    {
        string grant = Grant("ds-p");
        await Gen.Select(BeginBody, Gen.Bool).SampleAsync(async (body, json) =>
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(json ? "application/json" : "text/plain");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/uploads/") { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
            using HttpResponseMessage response = await _http!.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {Encoding.UTF8.GetString(body)}");
            if (response.IsSuccessStatusCode)
            {
                await (await _http.SendAsync(Authorized(HttpMethod.Delete, $"api/uploads/{(await response.Content.ReadFromJsonAsync<UploadStatusReply>())!.UploadId}", grant))).Content.ReadAsStringAsync();
            }
        }, iter: 200);
    }

    /// <summary>An X-Chunk-SHA256 value: the right hash (lower or upper case), another hash, or odd text.</summary>
    private static Gen<Func<byte[], string?>> HashHeader =>
        Gen.OneOf(
            Gen.Const<Func<byte[], string?>>(chunk => Convert.ToHexStringLower(SHA256.HashData(chunk))),
            Gen.Const<Func<byte[], string?>>(chunk => Convert.ToHexString(SHA256.HashData(chunk))),
            Gen.Const<Func<byte[], string?>>(_ => null),
            Gen.Byte.Array[0, 40].Select(bytes => (Func<byte[], string?>)(_ => Convert.ToHexString(bytes))),
            Gen.Char["0123456789abcdefABCDEFxyz -+=,;\t"].Array[0, 80].Select(chars => (Func<byte[], string?>)(_ => new string(chars))));

    [Fact]
    public async Task Any_chunk_body_hash_header_and_offset_get_a_clean_answer_and_only_acknowledged_bytes_are_stored()
    {
        var (file, _) = await FileAsync("ds-c", party: Party, count: 40);
        string grant = Grant("ds-c");
        UploadStatusReply begun;
        using (HttpResponseMessage response = await _http!.SendAsync(Authorized(HttpMethod.Post, "api/uploads/", grant, JsonContent.Create(new UploadBeginRequest("ds-c", file.Length)))))
        {
            begun = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<UploadStatusReply>())!;
        }
        // Offsets: in and around the file, any long, and the ends of the range (long.MaxValue + a length once overflowed to a 500).
        var offset = Gen.OneOf(Gen.Long[0, file.Length + 10], Gen.Long, Gen.Const(0L), Gen.Const(long.MaxValue), Gen.Const(long.MaxValue - 100), Gen.Const(long.MinValue));
        // Chunk bodies: random bytes, or a slice of the real file (which may be taken when sent at the committed length).
        var body = Gen.OneOf(Gen.Byte.Array[0, 3000], Gen.Select(Gen.Int[0, file.Length - 1], Gen.Int[1, 600], (at, n) => file[at..Math.Min(file.Length, at + n)]));
        // What the party should hold: the chunks it acknowledged as new, in order (one sender, so the model is exact).
        var accepted = new List<byte>();
        await Gen.Select(body, HashHeader, offset).SampleAsync(async (chunk, hash, at) =>
        {
            using var request = Authorized(HttpMethod.Put, $"api/uploads/{begun.UploadId}/chunks/{at}", grant, new ByteArrayContent(chunk));
            if (hash(chunk) is { } value)
            {
                request.Headers.TryAddWithoutValidation(UploadHeaders.ChunkSha256, value);
            }
            using HttpResponseMessage response = await _http.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {chunk.Length} bytes at {at}");
            if (response.IsSuccessStatusCode && at + chunk.Length > accepted.Count)
            {
                Assert.Equal(accepted.Count, at);
                accepted.AddRange(chunk);
            }
        }, iter: 300, threads: 1);

        // Exactly the acknowledged bytes are stored: a refused chunk changed nothing.
        using HttpResponseMessage status = await _http.SendAsync(Authorized(HttpMethod.Get, $"api/uploads/{begun.UploadId}", grant));
        long committed = (await status.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<UploadStatusReply>())!.CommittedBytes;
        string partial = Path.Combine(_deployment.Directory.RoleDirectory(ServiceRole.Party0), "shares", "uploads", begun.UploadId, "upload.partial");
        Assert.Equal(accepted.Count, committed);
        Assert.Equal([.. accepted], File.ReadAllBytes(partial));
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string grant, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
        return request;
    }

    private string Grant(string dataset)
    {
        using ServiceIdentity identity = _deployment.Identity(ServiceRole.Platform);
        using ECDsa key = identity.Certificate.GetECDsaPrivateKey()!;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return GrantToken.Sign(new Grant
        {
            Purpose = GrantPurpose.UploadDataset, Party = Party, Project = "prj-1", Resource = dataset, User = "alice", MaxBytes = 1 << 20,
            IssuedAt = now, ExpiresAt = now.AddMinutes(10), Nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        }, key);
    }
}
