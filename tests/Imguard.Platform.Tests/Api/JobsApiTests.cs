using System.Net;
using System.Net.ServerSentEvents;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Dealer.Planning;
using Imguard.Platform.Api;
using Imguard.Platform.Jobs;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.Platform.Tests.Api;

/// <summary>Starting, watching and cancelling jobs; who may start one and who may download its model.</summary>
public abstract class JobsApiTests(PlatformApiFixture fixture)
{
    [ProviderFact]
    public async Task An_owner_starts_a_job_with_a_preset_fitted_to_the_project()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));

        Assert.Equal(JobState.Queued, job.State);
        Assert.Equal([1, 8, 8], job.Model.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(3, job.Model.GetProperty("classes").GetInt32());
        Assert.Equal(3, job.Model.GetProperty("layers").EnumerateArray().Last().GetProperty("out").GetInt32());
        Assert.Equal("instahide", job.Training.GetProperty("hiding").GetString());
        Assert.Equal(2, job.Training.GetProperty("k").GetInt32());
        // Under InstaHide a preset starts with |x|; without the mask it does not.
        Assert.Equal("abs", job.Model.GetProperty("layers")[0].GetProperty("type").GetString());
        JobView mixup = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", new { model = "mlp", trainDatasetId = train.Id, hiding = "mixup", k = 2 });
        Assert.Equal("flatten", mixup.Model.GetProperty("layers")[0].GetProperty("type").GetString());
        await owner.PostAsync<JobView>($"/api/jobs/{mixup.Id}/cancel", null);
        Assert.Equal(2, (await owner.GetAsync<JobView[]>($"/api/projects/{project.Id}/jobs")).Length);

        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync($"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id, "resnet"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync($"/api/projects/{project.Id}/jobs",
            ApiTestData.Job(train.Id, new { input = new[] { 1, 28, 28 }, classes = 3, layers = new object[] { new { type = "flatten" }, new { type = "linear", @out = 3 } } }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync($"/api/projects/{project.Id}/jobs",
            new { model = "mlp", trainDatasetId = train.Id, hiding = "instahide", k = 0 })).StatusCode);
        Assert.Equal(32, job.Training.GetProperty("comparisonBits").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync($"/api/projects/{project.Id}/jobs",
            new { model = "mlp", trainDatasetId = train.Id, comparisonBits = 48 })).StatusCode);

        JobView cancelled = await owner.PostAsync<JobView>($"/api/jobs/{job.Id}/cancel", null);
        Assert.Equal(JobState.Cancelled, cancelled.State);
    }

    [ProviderFact]
    public async Task Test_time_encodings_are_stored_for_the_parties_and_refused_without_a_test_set_or_hiding()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        DatasetView test = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id, count: 16, purpose: "test");
        string jobs = $"/api/projects/{project.Id}/jobs";

        JobView job = await ApiTestData.QueuedJobAsync(owner, jobs,
            new { model = "mlp", trainDatasetId = train.Id, testDatasetId = test.Id, hiding = "instahide", k = 2, testEncodings = 8, testOwnCoefficientMin = 0.5 });
        Assert.Equal(8, job.Training.GetProperty("testEncodings").GetInt32());
        Assert.Equal(0.5, job.Training.GetProperty("testOwnCoefficientMin").GetDouble());
        JobView clean = await ApiTestData.QueuedJobAsync(owner, jobs, new { model = "mlp", trainDatasetId = train.Id, testDatasetId = test.Id });
        Assert.Equal(0, clean.Training.GetProperty("testEncodings").GetInt32());

        async Task<string> Refused(object request)
        {
            using HttpResponseMessage response = await owner.PostAsync(jobs, request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        Assert.Contains("test dataset", await Refused(new { model = "mlp", trainDatasetId = train.Id, testEncodings = 4 }));
        Assert.Contains("hiding mode", await Refused(new { model = "mlp", trainDatasetId = train.Id, testDatasetId = test.Id, hiding = "off", k = 1, testEncodings = 4 }));
        Assert.Contains("testEncodings must be 0 to 64", await Refused(new { model = "mlp", trainDatasetId = train.Id, testDatasetId = test.Id, testEncodings = 65 }));
        Assert.Contains("testOwnCoefficientMin", await Refused(new { model = "mlp", trainDatasetId = train.Id, testDatasetId = test.Id, testEncodings = 4, testOwnCoefficientMin = 0.7 }));
        Assert.Equal(2, (await owner.GetAsync<JobView[]>(jobs)).Length);
    }

    [ProviderFact]
    public async Task A_member_sees_a_jobs_cost_before_starting_it_and_a_stranger_sees_nothing()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        using ApiClient stranger = await fixture.CliAsync(PlatformApiFixture.Unique("stranger"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JsonElement estimate = await owner.PostAsync<JsonElement>($"/api/projects/{project.Id}/jobs/estimate", ApiTestData.Job(train.Id), HttpStatusCode.OK);

        Assert.True(estimate.GetProperty("steps").GetInt64() >= 1);
        Assert.True(estimate.GetProperty("peerRoundsPerStep").GetInt64() > 10);
        Assert.True(estimate.GetProperty("totalBytesToParty1").GetInt64() > estimate.GetProperty("totalBytesToParty0").GetInt64());
        Assert.True(estimate.GetProperty("secondsPerStepMeasured").GetDouble() > 0);
        Assert.Empty(await owner.GetAsync<JobView[]>($"/api/projects/{project.Id}/jobs")); // nothing was started
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/projects/{project.Id}/jobs/estimate", ApiTestData.Job(train.Id))).StatusCode);

        // Over two datasets of the same size, a job trains on their union: twice the steps.
        DatasetView more = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JsonElement union = await owner.PostAsync<JsonElement>($"/api/projects/{project.Id}/jobs/estimate",
            new { model = "mlp", trainDatasetId = train.Id, additionalTrainDatasetIds = new[] { more.Id }, epochs = 2, batchSize = 16, learningRate = 0.05, hiding = "instahide", k = 2 },
            HttpStatusCode.OK);
        Assert.Equal(2 * estimate.GetProperty("steps").GetInt64(), union.GetProperty("steps").GetInt64());
    }

    [ProviderFact]
    public async Task A_field_left_out_gets_the_default_that_the_table_expects_to_come_close_to_no_hiding()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await owner.PostAsync<ProjectView>("/api/projects", ApiTestData.FashionProject, HttpStatusCode.Created);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id, count: 4096, shape: (1, 28, 28, 10));
        var request = new { model = "mlp", trainDatasetId = train.Id };

        JsonElement estimate = await owner.PostAsync<JsonElement>($"/api/projects/{project.Id}/jobs/estimate", request, HttpStatusCode.OK);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", request);

        Assert.Equal(JobPlanning.DefaultHiding, job.Training.GetProperty("hiding").GetString());
        Assert.Equal(JobPlanning.DefaultK, job.Training.GetProperty("k").GetInt32());
        Assert.Equal(JobPlanning.DefaultEpochs, job.Training.GetProperty("epochs").GetInt32());
        Assert.Equal(JobPlanning.DefaultEpochs, estimate.GetProperty("epochs").GetInt32());
        Assert.Equal(JobPlanning.DefaultSchedule, job.Training.GetProperty("schedule").GetString());
        JsonElement expected = estimate.GetProperty("expectedAccuracy");
        Assert.True(expected.GetProperty("measured").GetBoolean());
        Assert.False(expected.GetProperty("poor").GetBoolean());
        Assert.InRange(expected.GetProperty("withoutHidingPercent").GetDouble() - expected.GetProperty("percent").GetDouble(), -100, 5);
        Assert.Equal(4096, expected.GetProperty("measuredTrainingImages").GetInt32());
        Assert.Contains($"on a {JobPlanning.DefaultSchedule} schedule", expected.GetProperty("basis").GetString(), StringComparison.Ordinal);
    }

    [ProviderFact]
    public async Task A_job_stores_the_schedule_it_asks_for_in_the_form_the_parties_read_and_an_unknown_one_is_refused()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await owner.PostAsync<ProjectView>("/api/projects", ApiTestData.FashionProject, HttpStatusCode.Created);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id, count: 256, shape: (1, 28, 28, 10));
        string jobs = $"/api/projects/{project.Id}/jobs";

        foreach ((string asked, string stored) in new[] { ("constant", "constant"), ("COSINE", "cosine"), ("step:2:0.5", "step:2:0.5") })
        {
            JobView job = await ApiTestData.QueuedJobAsync(owner, jobs, new { model = "mlp", trainDatasetId = train.Id, schedule = asked });
            Assert.Equal(stored, job.Training.GetProperty("schedule").GetString());
            await owner.PostAsync<JobView>($"/api/jobs/{job.Id}/cancel", null);   // the project runs one job at a time
        }
        using var refused = await owner.PostAsync(jobs, new { model = "mlp", trainDatasetId = train.Id, schedule = "weekly" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("use constant, cosine or step:EVERY:GAMMA", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [ProviderFact]
    public async Task The_estimate_says_what_accuracy_to_expect_warns_when_it_is_poor_and_has_none_for_other_data()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView fashion = await owner.PostAsync<ProjectView>("/api/projects", ApiTestData.FashionProject, HttpStatusCode.Created);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, fashion.Id, count: 60000, shape: (1, 28, 28, 10));
        string estimate = $"/api/projects/{fashion.Id}/jobs/estimate";

        // Off: the figure is the no-hiding figure itself.
        JsonElement off = (await owner.PostAsync<JsonElement>(estimate, new { model = "mlp", trainDatasetId = train.Id, hiding = "off", epochs = 2 }, HttpStatusCode.OK))
            .GetProperty("expectedAccuracy");
        Assert.True(off.GetProperty("measured").GetBoolean());
        Assert.Equal(off.GetProperty("percent").GetDouble(), off.GetProperty("withoutHidingPercent").GetDouble());
        Assert.InRange(off.GetProperty("percent").GetDouble(), 80, 95);
        Assert.Equal(JsonValueKind.Null, off.GetProperty("warning").ValueKind);
        Assert.Contains("Fashion-MNIST", off.GetProperty("basis").GetString(), StringComparison.Ordinal);

        // InstaHide k = 4 on the plain mlp (a custom spec without |x|) for one epoch: poor, and it says so.
        var plainMlp = new
        {
            input = new[] { 1, 28, 28 }, classes = 10,
            layers = new object[] { new { type = "flatten" }, new { type = "linear", @out = 128 }, new { type = "relu" }, new { type = "linear", @out = 128 }, new { type = "relu" }, new { type = "linear", @out = 10 } },
        };
        JsonElement poor = (await owner.PostAsync<JsonElement>(estimate, new { model = plainMlp, trainDatasetId = train.Id, hiding = "instahide", k = 4, epochs = 1 }, HttpStatusCode.OK))
            .GetProperty("expectedAccuracy");
        Assert.True(poor.GetProperty("poor").GetBoolean());
        Assert.True(poor.GetProperty("percent").GetDouble() < poor.GetProperty("withoutHidingPercent").GetDouble() - 5);
        Assert.StartsWith("Poor:", poor.GetProperty("warning").GetString(), StringComparison.Ordinal);

        // Another kind of data: no figure, and the reason.
        ProjectView other = await ApiTestData.ProjectAsync(owner);
        DatasetView small = await ApiTestData.ReadyDatasetAsync(fixture, owner, other.Id);
        JsonElement none = (await owner.PostAsync<JsonElement>($"/api/projects/{other.Id}/jobs/estimate", ApiTestData.Job(small.Id), HttpStatusCode.OK))
            .GetProperty("expectedAccuracy");
        Assert.False(none.GetProperty("measured").GetBoolean());
        Assert.Equal(JsonValueKind.Null, none.GetProperty("percent").ValueKind);
        Assert.Contains("No measurement for this kind of data", none.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("Fashion-MNIST", none.GetProperty("basis").GetString(), StringComparison.Ordinal);

        // The form's live look-up answers the same as the estimate, refuses what a job creation refuses, and only members.
        JsonElement live = await owner.PostAsync<JsonElement>($"/api/projects/{fashion.Id}/jobs/expected-accuracy",
            new { model = plainMlp, trainDatasetId = train.Id, hiding = "instahide", k = 4, epochs = 1 }, HttpStatusCode.OK);
        Assert.Equal(poor.GetRawText(), live.GetRawText());
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync($"/api/projects/{fashion.Id}/jobs/expected-accuracy", new { model = "mlp", trainDatasetId = train.Id, hiding = "sometimes" })).StatusCode);
        using ApiClient stranger = await fixture.CliAsync(PlatformApiFixture.Unique("stranger"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/projects/{fashion.Id}/jobs/expected-accuracy", new { model = "mlp", trainDatasetId = train.Id })).StatusCode);
    }

    [ProviderFact]
    public async Task A_viewer_cannot_start_a_job_and_the_refusal_is_audited()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        string viewerName = PlatformApiFixture.Unique("viewer");
        using ApiClient viewer = await fixture.CliAsync(viewerName);
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        await owner.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = viewerName, role = "viewer" }, HttpStatusCode.Created);

        using HttpResponseMessage refused = await viewer.PostAsync($"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Empty(await viewer.GetAsync<JobView[]>($"/api/projects/{project.Id}/jobs"));

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        JsonElement denied = Assert.Single(records, r => AuthApiTests.Is(r, AuditEventTypes.PermissionDenied, "user:" + viewerName));
        Assert.Equal("project:" + project.Id, denied.GetProperty("subjects")[0].GetString());
        Assert.Equal("POST", denied.GetProperty("properties").GetProperty("method").GetString());
    }

    [ProviderFact]
    public async Task A_non_member_gets_404_for_another_users_project()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        using ApiClient stranger = await fixture.CliAsync(PlatformApiFixture.Unique("stranger"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/projects/{project.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/projects/{project.Id}/members")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/projects/{project.Id}/datasets")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/projects/{project.Id}/jobs", ApiTestData.Job("ds-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/projects/{Guid.NewGuid()}")).StatusCode);
        Assert.DoesNotContain(await stranger.GetAsync<ProjectView[]>("/api/projects"), p => p.Id == project.Id);
    }

    [ProviderFact]
    public async Task Only_the_owner_of_a_succeeded_job_gets_model_grants()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        string contributorName = PlatformApiFixture.Unique("contributor");
        using ApiClient contributor = await fixture.CliAsync(contributorName);
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        await owner.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = contributorName, role = "contributor" }, HttpStatusCode.Created);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));

        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"/api/jobs/{job.Id}/model-grants")).StatusCode);
        await ApiTestData.MoveAsync(fixture, job.Id, "preprocessing", "running", "succeeded");

        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.PostAsync($"/api/jobs/{job.Id}/model-grants")).StatusCode);
        ModelDownloadView downloads = await owner.PostAsync<ModelDownloadView>($"/api/jobs/{job.Id}/model-grants", null);
        using ECDsa platformKey = fixture.Deployment.Identity(ServiceRole.Platform).Certificate.GetECDsaPublicKey()!;
        foreach (GrantView download in downloads.Downloads)
        {
            Grant? grant = GrantToken.Verify(download.Grant, platformKey, download.Party, GrantPurpose.DownloadModel, DateTimeOffset.UtcNow, out string reason);
            Assert.True(grant is not null, reason);
            Assert.Equal(job.Id, grant.Resource);
        }

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Contains(records, r => AuthApiTests.Is(r, AuditEventTypes.PermissionDenied, "user:" + contributorName));
        // Queued (the last approval), then preprocessing, running and succeeded.
        Assert.Equal(4, records.Count(r => r.GetProperty("eventType").GetString() == AuditEventTypes.JobStateChanged
            && r.GetProperty("subjects")[0].GetString() == "job:" + job.Id));
    }

    [ProviderFact]
    public async Task A_recipient_or_the_test_sets_owner_who_is_not_a_project_owner_gets_model_grants_and_no_other_contributor_does()
    {
        // Several owners: the project owner trains on everyone's data; bob (a contributor) receives the model, carol (a
        // contributor) owns the test set, dave (a contributor) contributed training data only. The grant lets them ask the
        // parties; each party then releases only what the key is entitled to (the model to a recipient, the evaluation
        // to the test set's owner).
        string ownerName = PlatformApiFixture.Unique("owner");
        using ApiClient owner = await fixture.CliAsync(ownerName);
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        var members = new Dictionary<string, ApiClient>();
        var names = new Dictionary<string, string>();
        foreach (string who in new[] { "bob", "carol", "dave" })
        {
            string name = names[who] = PlatformApiFixture.Unique(who);
            members[who] = await fixture.CliAsync(name);
            await owner.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = name, role = "contributor" }, HttpStatusCode.Created);
            await ApiTestData.RegisterKeyAsync(members[who]);
        }
        try
        {
            DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id, scaling: PixelScaling.Raw);
            DatasetView daves = await ApiTestData.ReadyDatasetAsync(fixture, members["dave"], project.Id, scaling: PixelScaling.Raw);
            DatasetView carols = await ApiTestData.ReadyDatasetAsync(fixture, members["carol"], project.Id, count: 32, purpose: "test", scaling: PixelScaling.Raw);
            JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs",
                new
                {
                    model = "mlp", trainDatasetId = train.Id, additionalTrainDatasetIds = new[] { daves.Id }, testDatasetId = carols.Id,
                    epochs = 1, batchSize = 16, hiding = "off", recipients = new[] { names["bob"], ownerName },
                },
                members["bob"], members["carol"], members["dave"]);
            await ApiTestData.MoveAsync(fixture, job.Id, "preprocessing", "running", "succeeded");

            foreach (string who in new[] { "bob", "carol" })
            {
                ModelDownloadView downloads = await members[who].PostAsync<ModelDownloadView>($"/api/jobs/{job.Id}/model-grants", null);
                Assert.Equal(2, downloads.Downloads.Count);
            }
            Assert.Equal(HttpStatusCode.Forbidden, (await members["dave"].PostAsync($"/api/jobs/{job.Id}/model-grants")).StatusCode);
        }
        finally
        {
            foreach (ApiClient member in members.Values)
            {
                member.Dispose();
            }
        }
    }

    [ProviderFact]
    public async Task The_event_stream_delivers_state_and_progress_posted_by_a_party_and_ends_with_the_job()
    {
        using ApiClient owner = await fixture.BrowserAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using HttpResponseMessage response = await owner.Http.GetAsync($"/api/jobs/{job.Id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using Stream stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        await using IAsyncEnumerator<SseItem<JobView>> events = SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize<JobView>(data, ApiClient.Json)!)
            .EnumerateAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await events.MoveNextAsync());
        Assert.Equal(("state", JobState.Queued), (events.Current.EventType, events.Current.Data.State));

        await ApiTestData.MoveAsync(fixture, job.Id, "preprocessing", "running");
        using (ApiClient party = fixture.Service(ServiceRole.Party1))
        {
            await party.PostAsync<JobView>($"/internal/jobs/{job.Id}/progress", new { epoch = 1, step = 7, totalSteps = 8, imagesPerSecond = 12.5, loss = 0.75 });
        }

        SseItem<JobView> progress = default;
        while (await events.MoveNextAsync())
        {
            if (events.Current.EventType == JobsApi.ProgressEvent)
            {
                progress = events.Current;
                break;
            }
        }

        Assert.Equal(7, progress.Data.Step);
        Assert.Equal(0.75, progress.Data.Metrics!.Value.GetProperty("loss").GetDouble());
        Assert.Equal(12.5, progress.Data.Metrics!.Value.GetProperty("imagesPerSecond").GetDouble());

        await ApiTestData.MoveAsync(fixture, job.Id, "succeeded");
        var rest = new List<SseItem<JobView>>();
        while (await events.MoveNextAsync())
        {
            rest.Add(events.Current);
        }

        Assert.Equal(JobState.Succeeded, rest[^1].Data.State); // and the stream ended
    }

    [ProviderFact]
    public async Task A_quiet_event_stream_sends_keep_alive_comments_and_events_still_arrive_between_them()
    {
        using ApiClient owner = await fixture.BrowserAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using HttpResponseMessage response = await owner.Http.GetAsync($"/api/jobs/{job.Id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        async Task<string> LineAsync() => await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("The stream ended.");
        Assert.Equal("event: state", await LineAsync());
        Assert.Equal("id: 1", await LineAsync());
        Assert.StartsWith("data: {", await LineAsync(), StringComparison.Ordinal);
        Assert.Equal("", await LineAsync());

        // Nothing happens to the job: the fixture's 300 ms heartbeat fills the silence (the default is 15 s).
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(HeartbeatServerSentEventsResult<JobView>.HeartbeatLine, await LineAsync());
            Assert.Equal("", await LineAsync());
        }
        Assert.InRange(quiet.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));

        await ApiTestData.MoveAsync(fixture, job.Id, "preprocessing");
        string line;
        while ((line = await LineAsync()) == HeartbeatServerSentEventsResult<JobView>.HeartbeatLine || line.Length == 0)
        {
        }
        Assert.Equal("event: state", line);
        Assert.Equal("id: 2", await LineAsync());
        Assert.Contains("\"state\":\"Preprocessing\"", await LineAsync(), StringComparison.Ordinal);
    }

    [ProviderFact]
    public async Task Log_lines_from_a_party_carry_its_id_and_page_by_id()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));
        using (ApiClient party = fixture.Service(ServiceRole.Party1))
        {
            await party.PostAsync<JobLogEntryView>($"/internal/jobs/{job.Id}/log", new { level = "information", message = "offline phase done" });
            await party.PostAsync<JobLogEntryView>($"/internal/jobs/{job.Id}/log", new { level = "warning", message = "slow peer" });
        }

        JobLogEntryView[] log = await owner.GetAsync<JobLogEntryView[]>($"/api/jobs/{job.Id}/log");
        Assert.Equal(["party 1: offline phase done", "party 1: slow peer"], log.Select(e => e.Message));
        JobLogEntryView[] after = await owner.GetAsync<JobLogEntryView[]>($"/api/jobs/{job.Id}/log?after={log[0].Id}");
        Assert.Equal(JobLogLevel.Warning, Assert.Single(after).Level);
    }

    [ProviderFact]
    public async Task A_log_line_shows_the_partys_time_of_the_event_and_a_resumed_run_never_moves_progress_back()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));
        // Whole microseconds, as the database keeps them.
        DateTimeOffset happened = new(DateTimeOffset.UtcNow.AddMinutes(-2).UtcTicks / 10 * 10, TimeSpan.Zero);
        await ApiTestData.MoveAsync(fixture, job.Id, "preprocessing", "running");
        using (ApiClient party = fixture.Service(ServiceRole.Party0))
        {
            await party.PostAsync<JobLogEntryView>($"/internal/jobs/{job.Id}/log", new { level = "warning", message = "attempt 0 interrupted", time = happened });
            await party.PostAsync<JobLogEntryView>($"/internal/jobs/{job.Id}/log", new { level = "information", message = "from the future", time = happened.AddDays(30) });
            await party.PostAsync<JobView>($"/internal/jobs/{job.Id}/progress", new { epoch = 1, step = 7, totalSteps = 8, checkpointEpoch = 1 });
            await party.PostAsync<JobView>($"/internal/jobs/{job.Id}/progress", new { epoch = 1, step = 5, totalSteps = 8, resumedFromEpoch = 1 });
        }

        JobLogEntryView[] log = await owner.GetAsync<JobLogEntryView[]>($"/api/jobs/{job.Id}/log");
        Assert.Equal(happened, log[0].Time);
        Assert.True(log[0].ReceivedAt > happened);
        Assert.Equal(log[1].ReceivedAt, log[1].Time); // beyond the accepted clock skew: the receipt time
        JobView shown = await owner.GetAsync<JobView>($"/api/jobs/{job.Id}");
        Assert.Equal((1, 7L, (int?)1), (shown.Epoch, shown.Step, shown.ResumedFromEpoch));
    }

    [ProviderFact]
    public async Task A_finished_jobs_progress_and_epoch_rows_are_served_to_its_members_as_the_party_reported_them()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        string viewerName = PlatformApiFixture.Unique("viewer");
        using ApiClient viewer = await fixture.CliAsync(viewerName);
        using ApiClient stranger = await fixture.CliAsync(PlatformApiFixture.Unique("stranger"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        await owner.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = viewerName, role = "viewer" }, HttpStatusCode.Created);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));
        await ApiTestData.MoveAsync(fixture, job.Id, "preprocessing", "running");
        using (ApiClient party = fixture.Service(ServiceRole.Party0))
        {
            // 64 images at batch 16: 4 steps an epoch, 2 epochs; the loss falls from 2.31 to 2.09.
            double[] losses = [2.31, 2.27, 2.24, 2.2, 2.17, 2.14, 2.11, 2.09];
            for (int step = 1; step <= 8; step++)
            {
                int epoch = (step - 1) / 4;
                await party.PostAsync<JobView>($"/internal/jobs/{job.Id}/progress",
                    new { epoch, step, totalSteps = 8, imagesPerSecond = 40.0 + step, loss = losses[step - 1], epochSeconds = 0.4 * (step - 4 * epoch) });
                if (step % 4 == 0)
                {
                    await party.PostAsync<JobView>($"/internal/jobs/{job.Id}/progress",
                        new { epoch, step, totalSteps = 8, imagesPerSecond = 40.0 + step, loss = losses[step - 1], checkpointEpoch = epoch + 1, epochSeconds = 1.6 });
                }
            }

            Assert.Equal(HttpStatusCode.BadRequest,
                (await party.PostAsync($"/internal/jobs/{job.Id}/progress", new { epoch = 1, step = 8, totalSteps = 8, epochSeconds = -1.0 })).StatusCode);
        }

        await ApiTestData.MoveAsync(fixture, job.Id, "succeeded");

        // The job is over and no stream is open: the page that reopens it reads its whole history.
        foreach (ApiClient member in new[] { owner, viewer })
        {
            JobProgressView history = await member.GetAsync<JobProgressView>($"/api/jobs/{job.Id}/progress");
            Assert.Equal((job.Id, 1L), (history.JobId, history.Stride));
            Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], history.Points.Select(p => p.Step));
            Assert.Equal([2.31, 2.27, 2.24, 2.2, 2.17, 2.14, 2.11, 2.09], history.Points.Select(p => p.Loss ?? 0));
            Assert.True(history.Points.Zip(history.Points.Skip(1)).All(pair => pair.First.Id < pair.Second.Id && pair.First.Time <= pair.Second.Time));
            Assert.Equal([(1, 4L, (double?)2.2, (double?)44.0, (double?)1.6, true), (2, 8, 2.09, 48.0, 1.6, true)],
                history.Epochs.Select(e => (e.Epoch, e.Step, e.Loss, e.ImagesPerSecond, e.DurationSeconds, e.Checkpoint)));
            Assert.InRange(history.Now, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        }

        JobProgressView page = await owner.GetAsync<JobProgressView>($"/api/jobs/{job.Id}/progress?after=0&limit=3");
        Assert.Equal([1L, 2, 3], page.Points.Select(p => p.Step));
        JobProgressView rest = await owner.GetAsync<JobProgressView>($"/api/jobs/{job.Id}/progress?after={page.Points[^1].Id}");
        Assert.Equal([4L, 5, 6, 7, 8], rest.Points.Select(p => p.Step));
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync($"/api/jobs/{job.Id}/progress?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync($"/api/jobs/{job.Id}/progress?limit=10001")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/jobs/{job.Id}/progress")).StatusCode);
        using ApiClient anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/jobs/{job.Id}/progress")).StatusCode);
    }
}

public sealed class SqliteJobsApiTests(SqlitePlatformApiFixture fixture) : JobsApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresJobsApiTests(PostgresPlatformApiFixture fixture) : JobsApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
