using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Dealer.Sessions;
using Imguard.Platform.Dealer;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// Consent to training jobs through the API: a job over several owners' datasets waits until every owner and every
/// recipient signed its terms, and each check on a signature (a key the terms require, a key the caller holds, a
/// signature over these terms) refuses what it must.
/// </summary>
public abstract class ConsentApiTests(PlatformApiFixture fixture)
{
    private sealed record Team(ApiClient Alice, ApiClient Bob, ApiClient Carol, ApiClient Dave, string BobName, string CarolName, string DaveName,
        ProjectView Project, DatasetView AliceTrain, DatasetView BobTrain) : IDisposable
    {
        public string Jobs => $"/api/projects/{Project.Id}/jobs";

        public void Dispose()
        {
            foreach (ApiClient client in new[] { Alice, Bob, Carol, Dave })
            {
                client.Dispose();
            }
        }
    }

    // Alice owns the project and a training set of 64 images, Bob (contributor) one of 32; Carol (viewer) receives
    // models; Dave (viewer) owns nothing and receives nothing.
    private async Task<Team> TeamAsync()
    {
        ApiClient alice = await fixture.CliAsync(PlatformApiFixture.Unique("alice"));
        string bobName = PlatformApiFixture.Unique("bob"), carolName = PlatformApiFixture.Unique("carol"), daveName = PlatformApiFixture.Unique("dave");
        ApiClient bob = await fixture.CliAsync(bobName), carol = await fixture.CliAsync(carolName), dave = await fixture.CliAsync(daveName);
        ProjectView project = await ApiTestData.ProjectAsync(alice);
        foreach (var (name, role) in new[] { (bobName, "contributor"), (carolName, "viewer"), (daveName, "viewer") })
        {
            await alice.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = name, role }, HttpStatusCode.Created);
        }
        DatasetView aliceTrain = await ApiTestData.ReadyDatasetAsync(fixture, alice, project.Id, count: 64, scaling: PixelScaling.Raw);
        DatasetView bobTrain = await ApiTestData.ReadyDatasetAsync(fixture, bob, project.Id, count: 32, scaling: PixelScaling.Raw);
        return new Team(alice, bob, carol, dave, bobName, carolName, daveName, project, aliceTrain, bobTrain);
    }

    private static object UnionJob(Team team, params string[] recipients) =>
        new { model = "mlp", trainDatasetId = team.AliceTrain.Id, additionalTrainDatasetIds = new[] { team.BobTrain.Id }, epochs = 2, batchSize = 16, hiding = "instahide", k = 2, recipients };

    [ProviderFact]
    public async Task A_job_over_two_owners_datasets_waits_for_every_owner_and_recipient_and_the_last_signature_queues_it()
    {
        using Team team = await TeamAsync();
        await ApiTestData.RegisterKeyAsync(team.Alice);
        string aliceName = (await team.Alice.GetAsync<JsonElement>("/api/auth/me")).GetProperty("userName").GetString()!;

        // A recipient without a registered key cannot be named: the job would name a key nobody holds.
        using (HttpResponseMessage refused = await team.Alice.PostAsync(team.Jobs, UnionJob(team, aliceName, team.CarolName)))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("register a signing key: imguard login does it, or sign in to the web UI", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await team.Carol.GetAsync("/api/me/signing-key")).StatusCode);
        SigningKeyView carolKey = await ApiTestData.RegisterKeyAsync(team.Carol);
        Assert.Equal(OwnerKeys.ShortFingerprint(team.Carol.PublicKey), carolKey.Fingerprint);
        Assert.Equal(carolKey.Key, (await team.Carol.GetAsync<SigningKeyView>("/api/me/signing-key")).Key);

        JobView job = await team.Alice.PostAsync<JobView>(team.Jobs, UnionJob(team, aliceName, team.CarolName), HttpStatusCode.Created);
        Assert.Equal(JobState.AwaitingApproval, job.State);
        Assert.Equal([(team.AliceTrain.Id, aliceName, 64L, 64L), (team.BobTrain.Id, team.BobName, 32L, 32L)],
            job.Datasets!.Select(d => (d.DatasetId, d.Owner, d.Images, d.ImagesPerEpoch)));
        Assert.Equal(OwnerKeys.ShortFingerprint(team.Bob.PublicKey), job.Datasets![1].OwnerKeyFingerprint);
        // Alice signs once as owner and recipient; Bob as owner; Carol as recipient.
        Assert.Equal(3, job.Signers!.Count);
        Assert.All(job.Signers, s => Assert.False(s.Signed));

        ConsentTermsView terms = await team.Dave.GetAsync<ConsentTermsView>($"/api/jobs/{job.Id}/consent");
        Assert.Equal([team.AliceTrain.Id, team.BobTrain.Id], terms.Datasets.Select(d => d.DatasetId));
        Assert.Contains("InstaHide with k = 2", terms.HidingSummary, StringComparison.Ordinal);
        Assert.Contains(job.Id, (await team.Bob.GetAsync<JobView[]>("/api/me/approvals")).Select(j => j.Id));
        Assert.DoesNotContain(job.Id, (await team.Dave.GetAsync<JobView[]>("/api/me/approvals")).Select(j => j.Id));

        // The parties' runner does not see it yet, nor does the dealer.
        PlatformDealerJobCatalog catalog = fixture.Platform.Services.GetRequiredService<PlatformDealerJobCatalog>();
        Assert.Null(await catalog.GetAsync(job.Id, CancellationToken.None));

        await Approved(team.Alice, job.Id);
        Assert.DoesNotContain(job.Id, (await team.Alice.GetAsync<JobView[]>("/api/me/approvals")).Select(j => j.Id));
        JobView half = await team.Alice.GetAsync<JobView>($"/api/jobs/{job.Id}");
        Assert.Equal((JobState.AwaitingApproval, 1), (half.State, half.Signers!.Count(s => s.Signed)));

        // Refused: a key the terms do not name; Bob's key and valid signature sent by Dave, who does not hold it; Bob's
        // signature over other terms (another epoch count).
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await Refused(await ApiTestData.ApproveAsync(team.Bob, job.Id, stranger), HttpStatusCode.BadRequest, "is not one this job's terms name");
        ApproveJobRequest bobs = await SignatureAsync(team.Bob, job.Id);
        await Refused(await team.Dave.PostAsync($"/api/jobs/{job.Id}/approve", bobs), HttpStatusCode.Forbidden, "is not yours in this job");
        await Refused(await team.Bob.PostAsync($"/api/jobs/{job.Id}/approve", await SignatureAsync(team.Bob, job.Id, otherEpochs: 3)),
            HttpStatusCode.BadRequest, "does not verify over this job's consent terms");
        await Refused(await team.Bob.PostAsync($"/api/jobs/{job.Id}/approve", new ApproveJobRequest(bobs.Key, "bm90IGEgc2lnbmF0dXJl")), HttpStatusCode.BadRequest, "signature");
        Assert.Equal(JobState.AwaitingApproval, (await team.Alice.GetAsync<JobView>($"/api/jobs/{job.Id}")).State);

        await team.Bob.PostAsync<JobView>($"/api/jobs/{job.Id}/approve", bobs);
        JobView queued = await team.Carol.PostAsync<JobView>($"/api/jobs/{job.Id}/approve", await SignatureAsync(team.Carol, job.Id));
        Assert.Equal(JobState.Queued, queued.State);
        Assert.All(queued.Signers!, s => Assert.True(s.Signed));

        // What the parties and the dealer get: the union in order, its count, and signatures that verify over the
        // terms rebuilt with the owner keys.
        DealerJob? dealer = await catalog.GetAsync(job.Id, CancellationToken.None);
        Assert.NotNull(dealer);
        Assert.Equal(96, dealer.TrainingCount);
        Assert.Equal([team.BobTrain.Id], dealer.Description.AdditionalTrainDatasetIds);
        byte[][] ownerKeys = [team.Alice.PublicKey, team.Bob.PublicKey];
        var (rebuilt, problem) = JobConsentTerms.Build(dealer.Description, id => id == team.AliceTrain.Id ? ownerKeys[0] : id == team.BobTrain.Id ? ownerKeys[1] : null);
        Assert.True(rebuilt is not null, problem);
        Assert.Null(JobConsentTerms.Verify(rebuilt, dealer.Description.Consent!.Approvals));

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        bool About(JsonElement r, string type) => r.GetProperty("eventType").GetString() == type && r.GetProperty("subjects")[0].GetString() == "job:" + job.Id;
        Assert.Single(records, r => About(r, AuditEventTypes.ConsentRequested));
        Assert.Equal(3, records.Count(r => About(r, AuditEventTypes.ConsentApproved)));
        Assert.Single(records, r => About(r, AuditEventTypes.JobStateChanged));
        Assert.Contains(records, r => r.GetProperty("eventType").GetString() == AuditEventTypes.SigningKeyRegistered
            && r.GetProperty("properties").GetProperty("fingerprint").GetString() == OwnerKeys.Fingerprint(team.Carol.PublicKey));
    }

    [ProviderFact]
    public async Task A_signer_withdraws_until_the_parties_hold_the_job_and_a_decline_is_final()
    {
        using Team team = await TeamAsync();
        await ApiTestData.RegisterKeyAsync(team.Alice);
        JobView job = await team.Alice.PostAsync<JobView>(team.Jobs, UnionJob(team), HttpStatusCode.Created);
        await Approved(team.Alice, job.Id);
        ApproveJobRequest earlier = await SignatureAsync(team.Alice, job.Id);

        // Withdrawn while the job waits: Alice's signature is gone, so Bob's alone does not queue it.
        JobView waiting = await team.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/withdraw", null);
        Assert.Equal(JobState.AwaitingApproval, waiting.State);
        Assert.All(waiting.Signers!, s => Assert.False(s.Signed));
        await Refused(await team.Alice.PostAsync($"/api/jobs/{job.Id}/withdraw"), HttpStatusCode.Conflict, "nothing to withdraw");
        await Refused(await team.Dave.PostAsync($"/api/jobs/{job.Id}/withdraw"), HttpStatusCode.Conflict, "nothing to withdraw");
        await Approved(team.Bob, job.Id);
        Assert.Equal(JobState.AwaitingApproval, (await team.Alice.GetAsync<JobView>($"/api/jobs/{job.Id}")).State);

        // Dave is neither owner nor recipient: he may not decline. Bob withdraws and declines: final.
        await Refused(await team.Dave.PostAsync($"/api/jobs/{job.Id}/decline", new DeclineJobRequest("no")), HttpStatusCode.Forbidden, "Only the owners");
        JobView declined = await team.Bob.PostAsync<JobView>($"/api/jobs/{job.Id}/decline", new DeclineJobRequest("my images are not for this model"));
        Assert.Equal(JobState.Declined, declined.State);
        Assert.Contains("my images are not for this model", declined.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(team.BobName, declined.FailureMessage, StringComparison.Ordinal);
        await Refused(await team.Alice.PostAsync($"/api/jobs/{job.Id}/approve", earlier), HttpStatusCode.Conflict, "declined");
        await Refused(await team.Bob.PostAsync($"/api/jobs/{job.Id}/withdraw"), HttpStatusCode.Conflict, "before training starts");
        Assert.Equal(HttpStatusCode.Conflict, (await team.Alice.PostAsync($"/api/jobs/{job.Id}/cancel")).StatusCode);
        Assert.DoesNotContain(job.Id, (await team.Alice.GetAsync<JobView[]>("/api/me/approvals")).Select(j => j.Id));

        // Once the runner has claimed a queued job for the parties, an approval can no longer be withdrawn.
        JobView second = await ApiTestData.QueuedJobAsync(team.Alice, team.Jobs, UnionJob(team), team.Bob);
        Assert.True(await fixture.Platform.Services.GetRequiredService<Imguard.Platform.Jobs.JobService>().ClaimForDispatchAsync(second.Id));
        await Refused(await team.Bob.PostAsync($"/api/jobs/{second.Id}/withdraw"), HttpStatusCode.Conflict, "Cancel the job instead");

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Single(records, r => r.GetProperty("eventType").GetString() == AuditEventTypes.ConsentWithdrawn && r.GetProperty("subjects")[0].GetString() == "job:" + job.Id);
        Assert.Single(records, r => r.GetProperty("eventType").GetString() == AuditEventTypes.ConsentDeclined && r.GetProperty("subjects")[0].GetString() == "job:" + job.Id);
        Assert.Single(records, r => r.GetProperty("eventType").GetString() == AuditEventTypes.JobStateChanged && r.GetProperty("subjects")[0].GetString() == "job:" + job.Id
            && r.GetProperty("properties").GetProperty("state").GetString() == "declined");
    }

    [ProviderFact]
    public async Task A_job_is_refused_datasets_without_an_owner_key_of_another_format_or_named_twice_and_recipients_outside_the_project()
    {
        using Team team = await TeamAsync();
        await ApiTestData.RegisterKeyAsync(team.Alice);
        DatasetView versionOne = await ApiTestData.ReadyDatasetAsync(fixture, team.Alice, team.Project.Id, versionOne: true);
        await Refused(await team.Alice.PostAsync(team.Jobs, new { model = "mlp", trainDatasetId = versionOne.Id }), HttpStatusCode.Conflict, "shared before");
        await Refused(await team.Alice.PostAsync(team.Jobs, new { model = "mlp", trainDatasetId = team.AliceTrain.Id, additionalTrainDatasetIds = new[] { versionOne.Id } }),
            HttpStatusCode.Conflict, "shares it again");

        // Another number format (the project fixes channels, size and classes at registration).
        DatasetUploadView registered = await team.Bob.PostAsync<DatasetUploadView>($"/api/projects/{team.Project.Id}/datasets",
            new { name = "coarse", purpose = "train", count = 64, fractionalBits = 12, digest0 = ApiTestData.Digest("half 0"), digest1 = ApiTestData.Digest("half 1") },
            HttpStatusCode.Created);
        for (int party = 0; party < 2; party++)
        {
            using ApiClient client = fixture.Service(Imguard.ServiceDefaults.Deployment.ServiceRoles.Party(party));
            await client.PostAsync<PartyDatasetView>($"/internal/datasets/{registered.Dataset.Id}/halves", ApiTestData.HalfReport(64, party, ownerKey: team.Bob.PublicKey));
        }
        await Refused(await team.Alice.PostAsync(team.Jobs, new { model = "mlp", trainDatasetId = team.AliceTrain.Id, additionalTrainDatasetIds = new[] { registered.Dataset.Id } }),
            HttpStatusCode.BadRequest, "share one shape, class list and number format");

        DatasetView test = await ApiTestData.ReadyDatasetAsync(fixture, team.Bob, team.Project.Id, count: 16, purpose: "test", scaling: PixelScaling.Raw);
        await Refused(await team.Alice.PostAsync(team.Jobs, new { model = "mlp", trainDatasetId = team.AliceTrain.Id, additionalTrainDatasetIds = new[] { test.Id } }),
            HttpStatusCode.BadRequest, "not training");
        await Refused(await team.Alice.PostAsync(team.Jobs, new { model = "mlp", trainDatasetId = team.AliceTrain.Id, additionalTrainDatasetIds = new[] { team.AliceTrain.Id } }),
            HttpStatusCode.BadRequest, "named twice");
        using ApiClient outsider = await fixture.CliAsync(PlatformApiFixture.Unique("outsider"));
        await ApiTestData.RegisterKeyAsync(outsider);
        string outsiderName = (await outsider.GetAsync<JsonElement>("/api/auth/me")).GetProperty("userName").GetString()!;
        await Refused(await team.Alice.PostAsync(team.Jobs, new { model = "mlp", trainDatasetId = team.AliceTrain.Id, recipients = new[] { outsiderName } }),
            HttpStatusCode.BadRequest, "not a member of this project");

        // With a test set of another owner, that owner signs too.
        JobView job = await team.Alice.PostAsync<JobView>(team.Jobs, new { model = "mlp", trainDatasetId = team.AliceTrain.Id, testDatasetId = test.Id }, HttpStatusCode.Created);
        Assert.Equal(("test", 16L, 0L), (job.Datasets![1].Purpose, job.Datasets[1].Images, job.Datasets[1].ImagesPerEpoch));
        Assert.Contains(job.Signers!, s => s.Fingerprint == OwnerKeys.ShortFingerprint(team.Bob.PublicKey));
        Assert.Equal(HttpStatusCode.BadRequest, (await team.Alice.PutAsync("/api/me/signing-key", new SigningKeyRequest("AAAA"))).StatusCode);
    }

    private static async Task Approved(ApiClient signer, string jobId)
    {
        using HttpResponseMessage response = await ApiTestData.ApproveAsync(signer, jobId);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task Refused(HttpResponseMessage response, HttpStatusCode expected, string reason)
    {
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {body}");
            Assert.Contains(reason, body, StringComparison.Ordinal);
        }
    }

    // The signer's approval of the terms shown, or (otherEpochs) of terms that differ in one parameter.
    private static async Task<ApproveJobRequest> SignatureAsync(ApiClient signer, string jobId, int? otherEpochs = null)
    {
        ConsentTermsView view = await signer.GetAsync<ConsentTermsView>($"/api/jobs/{jobId}/consent");
        if (otherEpochs is { } epochs)
        {
            view = view with { Parameters = [.. view.Parameters.Select(p => p.Name == JobConsentTerms.Names.Epochs ? p with { Integer = epochs } : p)] };
        }
        ConsentTerms terms = view.ToTerms().Terms!;
        return new ApproveJobRequest(Convert.ToBase64String(signer.PublicKey), Convert.ToBase64String(ConsentSignature.Sign(signer.SigningKey, ConsentDigest.Compute(terms))));
    }
}

public sealed class SqliteConsentApiTests(SqlitePlatformApiFixture fixture) : ConsentApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresConsentApiTests(PostgresPlatformApiFixture fixture) : ConsentApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
