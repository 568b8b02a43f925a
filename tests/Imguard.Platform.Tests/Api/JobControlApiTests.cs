using System.Net;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Dealer.Sessions;
using Imguard.Platform.Dealer;
using Imguard.Platform.Jobs;
using Imguard.ServiceDefaults.Deployment;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// A job's creator resumes, restarts and revises it (<c>/api/jobs/{id}/resume|restart|revise</c>): only the creator,
/// only from the states the state machine lists; resume and restart keep the consent terms and their approvals, a
/// revision voids every approval — also one back to the settings signed before.
/// </summary>
public abstract class JobControlApiTests(PlatformApiFixture fixture)
{
    private sealed record Team(ApiClient Alice, ApiClient Bob, ApiClient Dave, ApiClient Outsider, ProjectView Project, DatasetView AliceTrain, DatasetView BobTrain)
        : IDisposable
    {
        public string Jobs => $"/api/projects/{Project.Id}/jobs";

        public void Dispose()
        {
            foreach (ApiClient client in new[] { Alice, Bob, Dave, Outsider })
            {
                client.Dispose();
            }
        }
    }

    // Alice made the project and owns a training set; Bob (an owner of the project too: he may start jobs) owns another;
    // Dave is a viewer; the outsider is no member.
    private async Task<Team> TeamAsync()
    {
        ApiClient alice = await fixture.CliAsync(PlatformApiFixture.Unique("alice"));
        string bobName = PlatformApiFixture.Unique("bob"), daveName = PlatformApiFixture.Unique("dave");
        ApiClient bob = await fixture.CliAsync(bobName), dave = await fixture.CliAsync(daveName), outsider = await fixture.CliAsync(PlatformApiFixture.Unique("outsider"));
        ProjectView project = await ApiTestData.ProjectAsync(alice);
        foreach (var (name, role) in new[] { (bobName, "owner"), (daveName, "viewer") })
        {
            await alice.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = name, role }, HttpStatusCode.Created);
        }
        // Shared raw: a job over both is standardised over their union.
        DatasetView aliceTrain = await ApiTestData.ReadyDatasetAsync(fixture, alice, project.Id, count: 64, scaling: PixelScaling.Raw);
        DatasetView bobTrain = await ApiTestData.ReadyDatasetAsync(fixture, bob, project.Id, count: 32, scaling: PixelScaling.Raw);
        await ApiTestData.RegisterKeyAsync(alice);
        return new Team(alice, bob, dave, outsider, project, aliceTrain, bobTrain);
    }

    private static object UnionJob(Team team, int epochs = 2) =>
        new { model = "mlp", trainDatasetId = team.AliceTrain.Id, additionalTrainDatasetIds = new[] { team.BobTrain.Id }, epochs, batchSize = 16, hiding = "mixup", k = 2 };

    [ProviderFact]
    public async Task The_creator_resumes_a_failed_job_from_its_checkpoint_and_restarts_a_cancelled_one_with_the_approvals_kept()
    {
        using Team team = await TeamAsync();
        JobView job = await ApiTestData.QueuedJobAsync(team.Alice, team.Jobs, UnionJob(team), team.Bob);
        string signedDigest = await DigestAsync(team.Alice, job.Id);
        await Refused(await team.Alice.PostAsync($"/api/jobs/{job.Id}/resume"), HttpStatusCode.Conflict, "only a failed or cancelled job");

        Assert.True(await fixture.Platform.Services.GetRequiredService<JobService>().ClaimForDispatchAsync(job.Id));
        await RunAsync(job.Id, checkpointEpoch: 1);
        await Refused(await team.Alice.PostAsync($"/api/jobs/{job.Id}/resume"), HttpStatusCode.Conflict, "only a failed or cancelled job");
        await FailAsync(job.Id);

        // Only the creator: a non-member does not see the job, a viewer may not start jobs, another owner is not its creator.
        Assert.Equal(HttpStatusCode.NotFound, (await team.Outsider.PostAsync($"/api/jobs/{job.Id}/resume")).StatusCode);
        await Refused(await team.Dave.PostAsync($"/api/jobs/{job.Id}/resume"), HttpStatusCode.Forbidden, "");
        await Refused(await team.Bob.PostAsync($"/api/jobs/{job.Id}/resume"), HttpStatusCode.Forbidden, "Only the creator");
        await Refused(await team.Bob.PostAsync($"/api/jobs/{job.Id}/restart"), HttpStatusCode.Forbidden, "Only the creator");

        JobView resumed = await team.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/resume", null);
        Assert.Equal((JobState.Queued, (string?)null, (DateTimeOffset?)null), (resumed.State, resumed.FailureMessage, resumed.FinishedAt));
        Assert.All(resumed.Signers!, s => Assert.True(s.Signed));
        Assert.Equal((1, 1L), (resumed.LastCheckpointEpoch, resumed.Step));
        Assert.Equal(signedDigest, await DigestAsync(team.Alice, job.Id));
        JobDescription description = await DescriptionAsync(job.Id);
        Assert.Equal((1, false, 0), (description.Attempt, description.StartOver, description.Revision));
        // The runner claims the next attempt; the one it read before is no longer its to post.
        JobService jobs = fixture.Platform.Services.GetRequiredService<JobService>();
        Assert.False(await jobs.ClaimForDispatchAsync(job.Id, 0));
        Assert.True(await jobs.ClaimForDispatchAsync(job.Id, 1));

        // Cancelled before any checkpoint of this attempt: a restart starts over from newly dealt weights.
        await team.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/cancel", null);
        JobView restarted = await team.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/restart", null);
        Assert.Equal((JobState.Queued, false, 0L, (int?)null), (restarted.State, restarted.CancelRequested, restarted.Step, restarted.LastCheckpointEpoch));
        Assert.Empty((await team.Alice.GetAsync<JobProgressView>($"/api/jobs/{job.Id}/progress")).Epochs);
        description = await DescriptionAsync(job.Id);
        Assert.Equal((2, true), (description.Attempt, description.StartOver));
        Assert.Equal(signedDigest, await DigestAsync(team.Alice, job.Id));

        // Nothing to resume from now: the restart cleared the checkpoint the parties discard.
        await team.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/cancel", null);
        await Refused(await team.Alice.PostAsync($"/api/jobs/{job.Id}/resume"), HttpStatusCode.Conflict, "restart it from the beginning instead");

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        bool About(JsonElement r, string type) => r.GetProperty("eventType").GetString() == type && r.GetProperty("subjects")[0].GetString() == "job:" + job.Id;
        Assert.Single(records, r => About(r, AuditEventTypes.JobResumed) && r.GetProperty("properties").GetProperty("attempt").GetInt32() == 1);
        Assert.Single(records, r => About(r, AuditEventTypes.JobRestarted) && r.GetProperty("properties").GetProperty("attempt").GetInt32() == 2);
    }

    [ProviderFact]
    public async Task A_succeeded_job_and_one_that_never_had_every_approval_are_not_taken_up_again()
    {
        using Team team = await TeamAsync();
        JobView succeeded = await ApiTestData.QueuedJobAsync(team.Alice, team.Jobs, UnionJob(team), team.Bob);
        await RunAsync(succeeded.Id, checkpointEpoch: 1);
        await ApiTestData.MoveAsync(fixture, succeeded.Id, "succeeded");
        foreach (string action in new[] { "resume", "restart", "revise" })
        {
            await Refused(await team.Alice.PostAsync($"/api/jobs/{succeeded.Id}/{action}", action == "revise" ? UnionJob(team) : null), HttpStatusCode.Conflict, "succeeded");
        }

        // Cancelled while it waited for Bob: resuming it would run it without his signature.
        JobView waiting = await team.Alice.PostAsync<JobView>(team.Jobs, UnionJob(team), HttpStatusCode.Created);
        await ApiTestData.ApproveAsync(team.Alice, waiting.Id);
        await team.Alice.PostAsync<JobView>($"/api/jobs/{waiting.Id}/cancel", null);
        await Refused(await team.Alice.PostAsync($"/api/jobs/{waiting.Id}/restart"), HttpStatusCode.Conflict, "never had every approval");
        Assert.Equal(JobState.Cancelled, (await team.Alice.GetAsync<JobView>($"/api/jobs/{waiting.Id}")).State);
    }

    [ProviderFact]
    public async Task A_revision_voids_every_approval_and_one_back_to_the_signed_settings_still_needs_new_signatures()
    {
        using Team team = await TeamAsync();
        JobView job = await team.Alice.PostAsync<JobView>(team.Jobs, UnionJob(team), HttpStatusCode.Created);
        Assert.Equal(0, job.Revision);
        string original = await DigestAsync(team.Alice, job.Id);
        await ApiTestData.ApproveAsync(team.Alice, job.Id);
        ApproveJobRequest bobsOriginal = await SignatureAsync(team.Bob, job.Id);
        await team.Bob.PostAsync<JobView>($"/api/jobs/{job.Id}/decline", new DeclineJobRequest("two epochs are too many"));

        // Only the creator, with a valid body, from a state that allows it.
        Assert.Equal(HttpStatusCode.NotFound, (await team.Outsider.PostAsync($"/api/jobs/{job.Id}/revise", UnionJob(team, 1))).StatusCode);
        await Refused(await team.Dave.PostAsync($"/api/jobs/{job.Id}/revise", UnionJob(team, 1)), HttpStatusCode.Forbidden, "");
        await Refused(await team.Bob.PostAsync($"/api/jobs/{job.Id}/revise", UnionJob(team, 1)), HttpStatusCode.Forbidden, "Only the creator");
        await Refused(await team.Alice.PostAsync($"/api/jobs/{job.Id}/revise", UnionJob(team, 0)), HttpStatusCode.BadRequest, "epochs");

        JobView revised = await team.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/revise", UnionJob(team, 1));
        Assert.Equal((JobState.AwaitingApproval, 1, (string?)null), (revised.State, revised.Revision, revised.FailureMessage));
        Assert.Equal(1, revised.Training.GetProperty("epochs").GetInt32());
        Assert.All(revised.Signers!, s => Assert.False(s.Signed));
        string first = await DigestAsync(team.Alice, job.Id);
        Assert.NotEqual(original, first);
        Assert.Contains(job.Id, (await team.Bob.GetAsync<JobView[]>("/api/me/approvals")).Select(j => j.Id));
        await Refused(await team.Bob.PostAsync($"/api/jobs/{job.Id}/approve", bobsOriginal), HttpStatusCode.BadRequest, "does not verify");

        // Back to two epochs: the settings Bob's first signature covered, but the revision number is signed too.
        JobView back = await team.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/revise", UnionJob(team, 2));
        Assert.Equal(2, back.Revision);
        string second = await DigestAsync(team.Alice, job.Id);
        Assert.DoesNotContain(second, new[] { original, first });
        await Refused(await team.Bob.PostAsync($"/api/jobs/{job.Id}/approve", bobsOriginal), HttpStatusCode.BadRequest, "does not verify");

        await ApiTestData.ApproveAsync(team.Alice, job.Id);
        JobView queued = await team.Bob.PostAsync<JobView>($"/api/jobs/{job.Id}/approve", await SignatureAsync(team.Bob, job.Id));
        Assert.Equal(JobState.Queued, queued.State);
        await Refused(await team.Alice.PostAsync($"/api/jobs/{job.Id}/revise", UnionJob(team, 1)), HttpStatusCode.Conflict, "cancel it first");
        JobDescription description = await DescriptionAsync(job.Id);
        Assert.Equal((2, 0, false), (description.Revision, description.Attempt, description.StartOver));
        var (terms, problem) = JobConsentTerms.Build(description, id => id == team.AliceTrain.Id ? team.Alice.PublicKey : team.Bob.PublicKey);
        Assert.True(terms is not null, problem);
        Assert.Null(JobConsentTerms.Verify(terms, description.Consent!.Approvals));
        Assert.Equal(second, Convert.ToHexStringLower(ConsentDigest.Compute(terms)));

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        List<JsonElement> revisions = [.. records.Where(r => r.GetProperty("eventType").GetString() == AuditEventTypes.ConsentRevised
            && r.GetProperty("subjects")[0].GetString() == "job:" + job.Id).Select(r => r.GetProperty("properties"))];
        Assert.Equal([(original, first, "declined"), (first, second, "awaitingapproval")],
            revisions.Select(p => (p.GetProperty("digestBefore").GetString(), p.GetProperty("digest").GetString(), p.GetProperty("from").GetString())));
    }

    [ProviderFact]
    public async Task A_revised_job_that_had_gone_to_the_parties_starts_over_in_a_new_attempt_and_may_be_withdrawn_from_again()
    {
        using Team team = await TeamAsync();
        JobView job = await ApiTestData.QueuedJobAsync(team.Alice, team.Jobs, UnionJob(team), team.Bob);
        Assert.True(await fixture.Platform.Services.GetRequiredService<JobService>().ClaimForDispatchAsync(job.Id));
        await RunAsync(job.Id, checkpointEpoch: 1);
        await FailAsync(job.Id);

        // A single-owner revision: Bob's dataset leaves the job; he stays a signer as a recipient of the model.
        await ApiTestData.RegisterKeyAsync(team.Bob);
        string aliceName = (await team.Alice.GetAsync<JsonElement>("/api/auth/me")).GetProperty("userName").GetString()!;
        string bobName = (await team.Bob.GetAsync<JsonElement>("/api/auth/me")).GetProperty("userName").GetString()!;
        JobView revised = await team.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/revise",
            new { model = "mlp", trainDatasetId = team.AliceTrain.Id, epochs = 1, batchSize = 16, hiding = "mixup", k = 2, recipients = new[] { aliceName, bobName } });
        Assert.Equal([team.AliceTrain.Id], revised.Datasets!.Select(d => d.DatasetId));
        Assert.Equal([aliceName, bobName], revised.Recipients!.Select(r => r.User));
        Assert.Equal((0L, (int?)null), (revised.Step, revised.LastCheckpointEpoch));

        // New terms not yet at the parties: an approval can be withdrawn again (it could not once the first revision was claimed).
        await ApiTestData.ApproveAsync(team.Alice, job.Id);
        JobView withdrawn = await team.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/withdraw", null);
        Assert.All(withdrawn.Signers!, s => Assert.False(s.Signed));
        await ApiTestData.ApproveAsync(team.Alice, job.Id);
        await ApiTestData.ApproveAsync(team.Bob, job.Id);
        JobDescription description = await DescriptionAsync(job.Id);
        Assert.Equal((1, 1, true), (description.Revision, description.Attempt, description.StartOver));
        Assert.Empty(description.AdditionalTrainDatasetIds);
    }

    // Moves the job to Running as the parties would and reports a checkpoint after epoch 1.
    private async Task RunAsync(string jobId, int checkpointEpoch)
    {
        await ApiTestData.MoveAsync(fixture, jobId, "preprocessing", "running");
        using ApiClient party = fixture.Service(ServiceRole.Party0);
        await party.PostAsync<JobView>($"/internal/jobs/{jobId}/progress", new JobProgressReport(checkpointEpoch, 1, 4, CheckpointEpoch: checkpointEpoch));
    }

    private async Task FailAsync(string jobId)
    {
        using ApiClient party = fixture.Service(ServiceRole.Party0);
        await party.PostAsync<JobView>($"/internal/jobs/{jobId}/state", new { state = "failed", message = "party 1 went away" });
    }

    private async Task<JobDescription> DescriptionAsync(string jobId)
    {
        DealerJob? job = await fixture.Platform.Services.GetRequiredService<PlatformDealerJobCatalog>().GetAsync(jobId, CancellationToken.None);
        Assert.NotNull(job);
        return job.Description;
    }

    private static async Task<string> DigestAsync(ApiClient client, string jobId) => (await client.GetAsync<ConsentTermsView>($"/api/jobs/{jobId}/consent")).Digest;

    private static async Task<ApproveJobRequest> SignatureAsync(ApiClient signer, string jobId)
    {
        ConsentTerms terms = (await signer.GetAsync<ConsentTermsView>($"/api/jobs/{jobId}/consent")).ToTerms().Terms!;
        return new ApproveJobRequest(Convert.ToBase64String(signer.PublicKey), Convert.ToBase64String(ConsentSignature.Sign(signer.SigningKey, ConsentDigest.Compute(terms))));
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
}

public sealed class SqliteJobControlApiTests(SqlitePlatformApiFixture fixture) : JobControlApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresJobControlApiTests(PostgresPlatformApiFixture fixture) : JobControlApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
