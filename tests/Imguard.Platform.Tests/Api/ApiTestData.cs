using System.Net;
using System.Security.Cryptography;
using System.Text;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Platform.Api;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.Platform.Tests.Api;

/// <summary>Requests and multi-step set-ups the API tests share: a small project, a dataset registration, a ready dataset, a job moved along by a party.</summary>
internal static class ApiTestData
{
    public static readonly object NewProject = new { name = "faces", channels = 1, height = 8, width = 8, classes = 3 };

    public static string Digest(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    /// <summary>A registration; <paramref name="scaling"/>: what the client shared (null: left out, read as <c>own</c>).</summary>
    public static object Registration(int count, string purpose = "train", PixelScaling? scaling = null) =>
        new { name = "batch", purpose, count, fractionalBits = 16, digest0 = Digest("half 0"), digest1 = Digest("half 1"), scaling };

    /// <summary>A Fashion-MNIST-shaped project (1×28×28, 10 classes): the data the accuracy table was measured on.</summary>
    public static readonly object FashionProject = new { name = "fashion", channels = 1, height = 28, width = 28, classes = 10 };

    /// <summary>A party's report of its half; <paramref name="ownerKey"/>: the owner key in the half's header (null: a version-1 half).</summary>
    public static object HalfReport(int count, int party, (int Channels, int Height, int Width, int Classes)? shape = null, byte[]? ownerKey = null)
    {
        var (channels, height, width, classes) = shape ?? (1, 8, 8, 3);
        return new { channels, height, width, classes, count, digest = Digest("half " + party), ownerKey = ownerKey is null ? null : Convert.ToBase64String(ownerKey) };
    }

    public static object Job(string trainDatasetId, object? model = null) =>
        new { model = model ?? "mlp", trainDatasetId, epochs = 2, batchSize = 16, learningRate = 0.05, hiding = "instahide", k = 2 };

    /// <summary>A project owned by <paramref name="owner"/>.</summary>
    public static Task<ProjectView> ProjectAsync(ApiClient owner) => owner.PostAsync<ProjectView>("/api/projects", NewProject, HttpStatusCode.Created);

    /// <summary>
    /// Registers a dataset and has both parties report matching halves, bound to the owner's signing key (the key the
    /// owner's client writes into both share-file headers) unless <paramref name="versionOne"/>: halves without a key;
    /// <paramref name="scaling"/>: how the client scaled the pixels (null: left out, <c>own</c>; a job over several
    /// datasets needs <see cref="PixelScaling.Raw"/> or disclosed statistics).
    /// </summary>
    public static async Task<DatasetView> ReadyDatasetAsync(PlatformApiFixture fixture, ApiClient owner, Guid projectId, int count = 64, string purpose = "train",
        (int Channels, int Height, int Width, int Classes)? shape = null, bool versionOne = false, PixelScaling? scaling = null)
    {
        DatasetUploadView registered = await owner.PostAsync<DatasetUploadView>($"/api/projects/{projectId}/datasets", Registration(count, purpose, scaling),
            HttpStatusCode.Created);
        for (int party = 0; party < 2; party++)
        {
            using ApiClient client = fixture.Service(ServiceRoles.Party(party));
            await client.PostAsync<PartyDatasetView>($"/internal/datasets/{registered.Dataset.Id}/halves", HalfReport(count, party, shape, versionOne ? null : owner.PublicKey));
        }

        DatasetView ready = await owner.GetAsync<DatasetView>($"/api/datasets/{registered.Dataset.Id}");
        Assert.Equal(Imguard.Contracts.Datasets.DatasetStatus.Ready, ready.Status);
        return ready;
    }

    /// <summary>Registers the user's signing key (<see cref="ApiClient.PublicKey"/>), as <c>imguard login</c> and the web UI do.</summary>
    public static Task<SigningKeyView> RegisterKeyAsync(ApiClient user) =>
        user.SendAsync<SigningKeyView>(HttpMethod.Put, "/api/me/signing-key", new SigningKeyRequest(Convert.ToBase64String(user.PublicKey)));

    /// <summary>
    /// Signs a job's consent terms as an approver's client does: rebuilds the terms from the view the platform shows,
    /// computes the digest itself and signs it with <paramref name="signer"/>'s key (or <paramref name="key"/>).
    /// </summary>
    public static async Task<HttpResponseMessage> ApproveAsync(ApiClient signer, string jobId, System.Security.Cryptography.ECDsa? key = null)
    {
        ConsentTermsView view = await signer.GetAsync<ConsentTermsView>($"/api/jobs/{jobId}/consent");
        var (terms, problem) = view.ToTerms();
        Assert.True(terms is not null, problem);
        key ??= signer.SigningKey;
        byte[] digest = ConsentDigest.Compute(terms!);
        Assert.Equal(view.Digest, Convert.ToHexStringLower(digest));
        return await signer.PostAsync($"/api/jobs/{jobId}/approve",
            new ApproveJobRequest(Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), Convert.ToBase64String(ConsentSignature.Sign(key, digest))));
    }

    /// <summary>
    /// Creates a training job at <paramref name="jobsPath"/> (the creator's key registered first) and has the creator
    /// and every other <paramref name="signers"/> approve it: it ends Queued, as after every owner and recipient signed.
    /// </summary>
    public static async Task<JobView> QueuedJobAsync(ApiClient creator, string jobsPath, object request, params ApiClient[] signers)
    {
        await RegisterKeyAsync(creator);
        JobView job = await creator.PostAsync<JobView>(jobsPath, request, HttpStatusCode.Created);
        Assert.Equal(JobState.AwaitingApproval, job.State);
        foreach (ApiClient signer in signers.Prepend(creator))
        {
            using HttpResponseMessage approved = await ApproveAsync(signer, job.Id);
            Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());
        }
        job = await creator.GetAsync<JobView>($"/api/jobs/{job.Id}");
        Assert.Equal(JobState.Queued, job.State);
        return job;
    }

    /// <summary>Moves a job through the states a runner would, by party 0's internal endpoint.</summary>
    public static async Task MoveAsync(PlatformApiFixture fixture, string jobId, params string[] states)
    {
        using ApiClient party = fixture.Service(ServiceRole.Party0);
        foreach (string state in states)
        {
            await party.PostAsync<JobView>($"/internal/jobs/{jobId}/state", new { state });
        }
    }
}
