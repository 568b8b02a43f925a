using System.Net;
using System.Net.Http.Json;
using Imguard.Client.Consent;
using Imguard.Client.Models;
using Imguard.Contracts.Consent;
using Imguard.Testing;

namespace Imguard.Cli.Tests.Client;

/// <summary>
/// The CLI's model download signs with the profile's owner key (issue 17, item 5): it asks the party for a challenge,
/// then sends the key, the challenge and a signature over <see cref="ModelRequestDigest"/> for the party the grant
/// names, which verifies under that key and no other party id; a party's refusal comes back with its reason.
/// </summary>
public sealed class ModelRequestSignerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-request-" + Guid.NewGuid().ToString("N"));

    public ModelRequestSignerTests() => FileModes.UseUsualUmask();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task A_download_answers_the_partys_challenge_with_the_profiles_key_for_the_grants_party()
    {
        using OwnerSigningKey key = OwnerSigningKey.LoadOrCreate(OwnerSigningKey.PathBeside(Path.Combine(_root, "profile.json")));
        byte[] challenge = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];
        var seen = new List<HttpRequestMessage>();
        using var party = new HttpClient(new Answering(request =>
        {
            seen.Add(request);
            if (request.Method == HttpMethod.Post)
            {
                return new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = JsonContent.Create(new ModelChallengeView(Convert.ToBase64String(challenge), 1, DateTimeOffset.UtcNow.AddMinutes(5))),
                };
            }
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1, 2, 3]) };
        }))
        {
            BaseAddress = new Uri("https://party1.invalid/"),
        };

        byte[] share = await new ModelDownloader(party, 1, ModelRequestSigner.From(key)).FetchShareAsync("job-7", "grant");

        Assert.Equal([1, 2, 3], share);
        Assert.Equal(["POST /api/models/job-7/share/challenge", "GET /api/models/job-7/share"], seen.Select(r => $"{r.Method} {r.RequestUri!.AbsolutePath}"));
        HttpRequestMessage download = seen[1];
        Assert.Equal("Bearer grant", download.Headers.Authorization!.ToString());
        byte[] sentKey = Convert.FromBase64String(download.Headers.GetValues(ModelRequestHeaders.Key).Single());
        byte[] sentChallenge = Convert.FromBase64String(download.Headers.GetValues(ModelRequestHeaders.Challenge).Single());
        byte[] signature = Convert.FromBase64String(download.Headers.GetValues(ModelRequestHeaders.Signature).Single());
        Assert.Equal(key.PublicKey, sentKey);
        Assert.Equal(challenge, sentChallenge);
        Assert.True(ConsentSignature.Verify(key.PublicKey, ModelRequestDigest.Compute("job-7", 1, ModelRequestDigest.Model, challenge), signature));
        Assert.False(ConsentSignature.Verify(key.PublicKey, ModelRequestDigest.Compute("job-7", 0, ModelRequestDigest.Model, challenge), signature));
    }

    [Fact]
    public async Task A_partys_refusal_names_its_reason_and_a_job_without_a_test_set_has_no_evaluation()
    {
        using OwnerSigningKey key = OwnerSigningKey.LoadOrCreate(Path.Combine(_root, "key.pem"));
        using var party = new HttpClient(new Answering(request => request.RequestUri!.AbsolutePath.Contains("/evaluation", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.NotFound)
            : request.Method == HttpMethod.Post
                ? new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = JsonContent.Create(new ModelChallengeView(Convert.ToBase64String(new byte[32]), 0, DateTimeOffset.UtcNow.AddMinutes(5))),
                }
                : new HttpResponseMessage(HttpStatusCode.Forbidden)
                {
                    Content = JsonContent.Create(new { title = "Request not signed by an entitled key", detail = "key 1234 is not a model recipient of this job" }),
                }))
        {
            BaseAddress = new Uri("https://party0.invalid/"),
        };
        var downloader = new ModelDownloader(party, 0, ModelRequestSigner.From(key));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => downloader.FetchShareAsync("job-7", "grant"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("not a model recipient of this job", refused.Message, StringComparison.Ordinal);
        Assert.Null(await downloader.FetchEvaluationAsync("job-7", "grant"));
    }

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
