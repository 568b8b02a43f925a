using System.Net;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Dealer.Sessions;
using Imguard.Platform.Dealer;
using Imguard.ServiceDefaults.Deployment;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// One standardisation for the union (docs/multi-owner.md) through the API: each dataset's pixel scaling at
/// registration, its owner's disclosure of the statistics, the job's standardisation fixed at creation and signed in
/// its terms, a union job refused a dataset standardised with undisclosed statistics, and the statistics the parties
/// open recorded once and shown on the job and its inference jobs.
/// </summary>
public abstract class StandardizationApiTests(PlatformApiFixture fixture)
{
    private static readonly PixelScaling Disclosed = PixelScaling.Disclose([0.2860406], [0.3530241]);

    private static readonly ChannelStatistics Opened = new([0.25], [0.5], 64 * 96);

    private sealed record Pair(ApiClient Alice, ApiClient Bob, string AliceName, string BobName, ProjectView Project) : IDisposable
    {
        public string Jobs => $"/api/projects/{Project.Id}/jobs";

        public string Datasets => $"/api/projects/{Project.Id}/datasets";

        public void Dispose()
        {
            Alice.Dispose();
            Bob.Dispose();
        }
    }

    // Alice owns a 1-channel project; Bob contributes. Both have registered signing keys.
    private async Task<Pair> PairAsync()
    {
        string aliceName = PlatformApiFixture.Unique("alice"), bobName = PlatformApiFixture.Unique("bob");
        ApiClient alice = await fixture.CliAsync(aliceName), bob = await fixture.CliAsync(bobName);
        ProjectView project = await ApiTestData.ProjectAsync(alice);
        await alice.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = bobName, role = "contributor" }, HttpStatusCode.Created);
        await ApiTestData.RegisterKeyAsync(alice);
        await ApiTestData.RegisterKeyAsync(bob);
        return new Pair(alice, bob, aliceName, bobName, project);
    }

    private static object TwoOwnersJob(string first, string second, string? test = null) =>
        new { model = "mlp", trainDatasetId = first, additionalTrainDatasetIds = new[] { second }, testDatasetId = test, epochs = 2, batchSize = 16, hiding = "off" };

    private static Dictionary<string, string?> TextParameters(ConsentTermsView terms) =>
        terms.Parameters.Where(p => p.Kind == "text").ToDictionary(p => p.Name, p => p.Text);

    [ProviderFact]
    public async Task Registration_stores_each_scaling_and_refuses_one_that_does_not_fit_the_project()
    {
        using Pair pair = await PairAsync();
        async Task<DatasetView> Register(PixelScaling? scaling) =>
            (await pair.Alice.PostAsync<DatasetUploadView>(pair.Datasets, ApiTestData.Registration(16, scaling: scaling), HttpStatusCode.Created)).Dataset;

        Assert.Equal(PixelScaling.Own, (await Register(null)).Scaling); // what clients before it sent
        Assert.Equal(PixelScaling.Own, (await Register(PixelScaling.Own)).Scaling);
        Assert.Equal(PixelScaling.Raw, (await Register(PixelScaling.Raw)).Scaling);
        DatasetView disclosed = await Register(Disclosed);
        Assert.Equal(Disclosed, disclosed.Scaling);
        DatasetView read = await pair.Bob.GetAsync<DatasetView>($"/api/datasets/{disclosed.Id}");
        Assert.Equal([0.2860406], read.Scaling!.Mean);
        Assert.Equal([0.3530241], read.Scaling.Std);
        Assert.Contains(await pair.Alice.GetAsync<DatasetView[]>(pair.Datasets), d => d.Id == disclosed.Id && d.Scaling == Disclosed);

        foreach (var (scaling, reason) in new (object Scaling, string Reason)[]
        {
            (new { kind = "sorted" }, "must be 'raw', 'own' or 'disclosed'"),
            (new { kind = "raw", mean = new[] { 0.5 } }, "carries no statistics"),
            (new { kind = "disclosed", mean = new[] { 0.5, 0.5 }, std = new[] { 0.2, 0.2 } }, "per channel (1)"),
            (new { kind = "disclosed", mean = new[] { 0.5 } }, "per channel (1)"),
            (new { kind = "disclosed", mean = new[] { 0.5 }, std = new[] { 0.0 } }, "positive"),
        })
        {
            using HttpResponseMessage refused = await pair.Alice.PostAsync(pair.Datasets,
                new { name = "bad", purpose = "train", count = 16, fractionalBits = 16, digest0 = ApiTestData.Digest("half 0"), digest1 = ApiTestData.Digest("half 1"), scaling });
            string body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{(int)refused.StatusCode} {body}");
            Assert.Contains(reason, body, StringComparison.Ordinal);
        }
    }

    [ProviderFact]
    public async Task Only_the_owner_discloses_statistics_once_and_only_from_own()
    {
        using Pair pair = await PairAsync();
        using ApiClient outsider = await fixture.CliAsync(PlatformApiFixture.Unique("outsider"));
        DatasetView bobs = await ApiTestData.ReadyDatasetAsync(fixture, pair.Bob, pair.Project.Id);
        DatasetView raw = await ApiTestData.ReadyDatasetAsync(fixture, pair.Bob, pair.Project.Id, scaling: PixelScaling.Raw);
        string path = $"/api/datasets/{bobs.Id}/disclose-statistics";
        var request = new DiscloseStatisticsRequest([0.2860406], [0.3530241]);

        // The project's owner is not the dataset's owner; a non-member does not see it.
        Assert.Equal(HttpStatusCode.Forbidden, (await pair.Alice.PostAsync(path, request)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync(path, request)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Bob.PostAsync(path, new DiscloseStatisticsRequest([0.1, 0.2], [0.3, 0.4]))).StatusCode);
        Assert.Equal(PixelScaling.Own, (await pair.Bob.GetAsync<DatasetView>($"/api/datasets/{bobs.Id}")).Scaling);

        DatasetView disclosed = await pair.Bob.PostAsync<DatasetView>(path, request);
        Assert.Equal(Disclosed, disclosed.Scaling);
        Assert.Equal(Disclosed, (await pair.Alice.GetAsync<DatasetView>($"/api/datasets/{bobs.Id}")).Scaling);

        using (HttpResponseMessage again = await pair.Bob.PostAsync(path, new DiscloseStatisticsRequest([0.3], [0.3])))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("disclosed its statistics already", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (HttpResponseMessage fromRaw = await pair.Bob.PostAsync($"/api/datasets/{raw.Id}/disclose-statistics", request))
        {
            Assert.Equal(HttpStatusCode.Conflict, fromRaw.StatusCode);
            Assert.Contains("scaled 'raw'", await fromRaw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(Disclosed, (await pair.Bob.GetAsync<DatasetView>($"/api/datasets/{bobs.Id}")).Scaling);

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        JsonElement @event = Assert.Single(records, r => r.GetProperty("eventType").GetString() == AuditEventTypes.DatasetStatisticsDisclosed
            && r.GetProperty("subjects")[0].GetString() == "dataset:" + bobs.Id);
        Assert.Equal(Disclosed.ToConsentText(), @event.GetProperty("properties").GetProperty("scaling").GetString());
        Assert.Equal("user:" + pair.BobName, @event.GetProperty("actor").GetString());
    }

    [ProviderFact]
    public async Task A_job_over_two_owners_refuses_a_dataset_standardised_with_undisclosed_statistics_naming_it_its_owner_and_the_remedy()
    {
        using Pair pair = await PairAsync();
        DatasetView alices = await ApiTestData.ReadyDatasetAsync(fixture, pair.Alice, pair.Project.Id, scaling: PixelScaling.Raw);
        DatasetView bobs = await ApiTestData.ReadyDatasetAsync(fixture, pair.Bob, pair.Project.Id);
        DatasetView rawTest = await ApiTestData.ReadyDatasetAsync(fixture, pair.Bob, pair.Project.Id, purpose: "test", scaling: PixelScaling.Raw);

        using (HttpResponseMessage refused = await pair.Alice.PostAsync(pair.Jobs, TwoOwnersJob(alices.Id, bobs.Id)))
        {
            string body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, body);
            string detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains($"Dataset {bobs.Id} ('batch', shared by {pair.BobName})", detail, StringComparison.Ordinal);
            Assert.Contains($"{pair.BobName} shares it again with raw pixels (imguard dataset share --scaling raw) or discloses its statistics "
                + $"(imguard dataset disclose {bobs.Id})", detail, StringComparison.Ordinal);
        }

        // A single owner's raw training set makes a union job too: its own-scaled test set cannot join.
        DatasetView ownTest = await ApiTestData.ReadyDatasetAsync(fixture, pair.Alice, pair.Project.Id, purpose: "test");
        using (HttpResponseMessage refused = await pair.Alice.PostAsync(pair.Jobs,
            new { model = "mlp", trainDatasetId = alices.Id, testDatasetId = ownTest.Id, epochs = 1, batchSize = 16, hiding = "off" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains($"imguard dataset disclose {ownTest.Id}", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Empty(await pair.Alice.GetAsync<JobView[]>(pair.Jobs));

        // Once Bob discloses, the same job is made: it signs the union and each dataset's scaling.
        await pair.Bob.PostAsync<DatasetView>($"/api/datasets/{bobs.Id}/disclose-statistics", new DiscloseStatisticsRequest([0.2860406], [0.3530241]));
        JobView job = await ApiTestData.QueuedJobAsync(pair.Alice, pair.Jobs, TwoOwnersJob(alices.Id, bobs.Id, rawTest.Id), pair.Bob);
        Assert.Equal(new JobStandardizationView(JobStandardizationModes.Union, null), job.Standardization);
        ConsentTermsView terms = await pair.Bob.GetAsync<ConsentTermsView>($"/api/jobs/{job.Id}/consent");
        Dictionary<string, string?> signed = TextParameters(terms);
        Assert.Equal(JobStandardizationModes.Union, signed[JobConsentTerms.Names.Standardization]);
        Assert.Equal("raw", signed[JobConsentTerms.Names.ScalingPrefix + alices.Id]);
        Assert.Equal("disclosed mean=0.2860406 std=0.3530241", signed[JobConsentTerms.Names.ScalingPrefix + bobs.Id]);
        Assert.Equal("raw", signed[JobConsentTerms.Names.ScalingPrefix + rawTest.Id]);

        // What the parties and the dealer get carries it, and the owners' signatures verify over the terms rebuilt from it.
        DealerJob? dealer = await fixture.Platform.Services.GetRequiredService<PlatformDealerJobCatalog>().GetAsync(job.Id, CancellationToken.None);
        Assert.NotNull(dealer);
        JobStandardization carried = dealer.Description.Standardization!;
        Assert.Equal(JobStandardizationModes.Union, carried.Mode);
        Assert.Equal([(alices.Id, PixelScaling.Raw), (bobs.Id, Disclosed), (rawTest.Id, PixelScaling.Raw)], carried.Datasets.Select(d => (d.DatasetId, d.Scaling)));
        var (rebuilt, problem) = JobConsentTerms.Build(dealer.Description,
            id => id == alices.Id ? pair.Alice.PublicKey : id == bobs.Id || id == rawTest.Id ? pair.Bob.PublicKey : null);
        Assert.True(rebuilt is not null, problem);
        Assert.Null(JobConsentTerms.Verify(rebuilt, dealer.Description.Consent!.Approvals));
        Assert.Equal(terms.Digest, Convert.ToHexStringLower(ConsentDigest.Compute(rebuilt)));
    }

    [ProviderFact]
    public async Task A_single_owners_job_uses_its_data_as_shared_and_a_later_disclosure_leaves_its_terms_as_they_were()
    {
        using Pair pair = await PairAsync();
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, pair.Alice, pair.Project.Id);
        JobView job = await pair.Alice.PostAsync<JobView>(pair.Jobs, ApiTestData.Job(train.Id), HttpStatusCode.Created);
        Assert.Equal(new JobStandardizationView(JobStandardizationModes.AsShared, null), job.Standardization);
        ConsentTermsView before = await pair.Alice.GetAsync<ConsentTermsView>($"/api/jobs/{job.Id}/consent");
        Dictionary<string, string?> signed = TextParameters(before);
        Assert.Equal(JobStandardizationModes.AsShared, signed[JobConsentTerms.Names.Standardization]);
        Assert.Equal("own", signed[JobConsentTerms.Names.ScalingPrefix + train.Id]);
        Assert.Equal(2, before.Parameters.Count(p => p.Name == JobConsentTerms.Names.Standardization || p.Name.StartsWith(JobConsentTerms.Names.ScalingPrefix, StringComparison.Ordinal)));

        // Disclosing while the job waits for approval: its terms are those it was created with, so a signature over
        // them still queues it; a new job signs the disclosed statistics.
        await pair.Alice.PostAsync<DatasetView>($"/api/datasets/{train.Id}/disclose-statistics", new DiscloseStatisticsRequest([0.2860406], [0.3530241]));
        ConsentTermsView after = await pair.Alice.GetAsync<ConsentTermsView>($"/api/jobs/{job.Id}/consent");
        Assert.Equal(before.Digest, after.Digest);
        using (HttpResponseMessage approved = await ApiTestData.ApproveAsync(pair.Alice, job.Id))
        {
            Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());
        }
        Assert.Equal(JobState.Queued, (await pair.Alice.GetAsync<JobView>($"/api/jobs/{job.Id}")).State);

        JobView second = await pair.Alice.PostAsync<JobView>(pair.Jobs, ApiTestData.Job(train.Id), HttpStatusCode.Created);
        Assert.Equal(JobStandardizationModes.Union, second.Standardization!.Mode);
        Assert.Equal("disclosed mean=0.2860406 std=0.3530241",
            TextParameters(await pair.Alice.GetAsync<ConsentTermsView>($"/api/jobs/{second.Id}/consent"))[JobConsentTerms.Names.ScalingPrefix + train.Id]);
    }

    [ProviderFact]
    public async Task The_first_statistics_the_parties_report_are_recorded_and_shown_on_the_job_and_its_inference_jobs()
    {
        using Pair pair = await PairAsync();
        DatasetView alices = await ApiTestData.ReadyDatasetAsync(fixture, pair.Alice, pair.Project.Id, scaling: PixelScaling.Raw);
        DatasetView bobs = await ApiTestData.ReadyDatasetAsync(fixture, pair.Bob, pair.Project.Id, scaling: Disclosed);
        JobView job = await ApiTestData.QueuedJobAsync(pair.Alice, pair.Jobs, TwoOwnersJob(alices.Id, bobs.Id), pair.Bob);
        using ApiClient party = fixture.Service(ServiceRole.Party0);
        string progress = $"/internal/jobs/{job.Id}/progress";

        // The parties open the statistics before the first step, possibly while still preprocessing.
        await ApiTestData.MoveAsync(fixture, job.Id, "preprocessing");
        Assert.Equal(HttpStatusCode.BadRequest, (await party.PostAsync(progress, new JobProgressReport(0, 0, 0, Standardization: new ChannelStatistics([0.25], [0.0], 10)))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await party.PostAsync(progress, new JobProgressReport(0, 0, 0, Standardization: new ChannelStatistics([0.25, 0.3], [0.5, 0.5], 10)))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await party.PostAsync(progress, new JobProgressReport(0, 0, 8))).StatusCode);
        JobView recorded = await party.PostAsync<JobView>(progress, new JobProgressReport(0, 0, 0, Standardization: Opened));
        Assert.Equal(JobState.Preprocessing, recorded.State);
        Assert.Equal(new JobStandardizationView(JobStandardizationModes.Union, Opened), recorded.Standardization);

        // A different later report is logged and ignored; progress goes on.
        await ApiTestData.MoveAsync(fixture, job.Id, "running");
        JobView running = await party.PostAsync<JobView>(progress, new JobProgressReport(0, 3, 12, Standardization: new ChannelStatistics([0.5], [0.25], 64 * 96)));
        Assert.Equal(3, running.Step);
        JobView shown = await pair.Bob.GetAsync<JobView>($"/api/jobs/{job.Id}");
        Assert.Equal(Opened, shown.Standardization!.Statistics);
        Assert.Contains(await pair.Alice.GetAsync<JobLogEntryView[]>($"/api/jobs/{job.Id}/log"),
            e => e.Level == JobLogLevel.Warning && e.Message.Contains("other than those recorded first", StringComparison.Ordinal));
        await ApiTestData.MoveAsync(fixture, job.Id, "succeeded");

        // An inference job of the union model takes raw or disclosed data, and shows the model job's statistics.
        DatasetView ownTest = await ApiTestData.ReadyDatasetAsync(fixture, pair.Alice, pair.Project.Id, purpose: "test");
        DatasetView rawTest = await ApiTestData.ReadyDatasetAsync(fixture, pair.Alice, pair.Project.Id, purpose: "test", scaling: PixelScaling.Raw);
        using (HttpResponseMessage refused = await pair.Alice.PostAsync($"/api/jobs/{job.Id}/inference", new CreateInferenceRequest(ownTest.Id)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains($"imguard dataset disclose {ownTest.Id}", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        JobView inference = await pair.Alice.PostAsync<JobView>($"/api/jobs/{job.Id}/inference", new CreateInferenceRequest(rawTest.Id), HttpStatusCode.Created);
        Assert.Equal(new JobStandardizationView(JobStandardizationModes.Union, Opened), inference.Standardization);

        // A job used as shared opens nothing, and its model applies to data its owner standardised the same way.
        DatasetView ownTrain = await ApiTestData.ReadyDatasetAsync(fixture, pair.Alice, pair.Project.Id);
        JobView asShared = await ApiTestData.QueuedJobAsync(pair.Alice, pair.Jobs, ApiTestData.Job(ownTrain.Id));
        await ApiTestData.MoveAsync(fixture, asShared.Id, "preprocessing", "running");
        using (HttpResponseMessage refused = await party.PostAsync($"/internal/jobs/{asShared.Id}/progress", new JobProgressReport(0, 1, 8, Standardization: Opened)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("not standardised over the union", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await ApiTestData.MoveAsync(fixture, asShared.Id, "succeeded");
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Alice.PostAsync($"/api/jobs/{asShared.Id}/inference", new CreateInferenceRequest(rawTest.Id))).StatusCode);
        JobView ownInference = await pair.Alice.PostAsync<JobView>($"/api/jobs/{asShared.Id}/inference", new CreateInferenceRequest(ownTest.Id), HttpStatusCode.Created);
        Assert.Equal(new JobStandardizationView(JobStandardizationModes.AsShared, null), ownInference.Standardization);
    }
}

public sealed class SqliteStandardizationApiTests(SqlitePlatformApiFixture fixture) : StandardizationApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresStandardizationApiTests(PostgresPlatformApiFixture fixture) : StandardizationApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
