using System.Net;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Projects;
using Imguard.Platform.Api;

namespace Imguard.Platform.Tests.Api;

/// <summary>A project's activity: its members read the audit records naming the project, newest first and paged; nobody else does.</summary>
public abstract class ProjectActivityApiTests(PlatformApiFixture fixture)
{
    [ProviderFact]
    public async Task Members_read_their_projects_events_newest_first_and_no_other_projects()
    {
        using ApiClient owner = await fixture.BrowserAsync(PlatformApiFixture.Unique("owner"));
        string viewerName = PlatformApiFixture.Unique("viewer");
        using ApiClient viewer = await fixture.CliAsync(viewerName);
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        ProjectView other = await ApiTestData.ProjectAsync(owner);
        await owner.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = viewerName, role = "viewer" }, HttpStatusCode.Created);
        DatasetUploadView dataset = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(8), HttpStatusCode.Created);
        await owner.PostAsync<DatasetUploadView>($"/api/projects/{other.Id}/datasets", ApiTestData.Registration(8), HttpStatusCode.Created);
        await fixture.AuditRecordsAsync(); // delivered

        ProjectActivityView activity = await viewer.GetAsync<ProjectActivityView>($"/api/projects/{project.Id}/activity");
        string subject = $"project:{project.Id:D}";
        Assert.All(activity.Records, r => Assert.Contains(subject, r.Subjects));
        Assert.DoesNotContain(activity.Records, r => r.Subjects.Contains($"project:{other.Id:D}"));
        Assert.Equal(activity.Records.Select(r => r.Sequence).OrderByDescending(s => s), activity.Records.Select(r => r.Sequence));
        Assert.Null(activity.NextCursor);
        ActivityRecordView created = Assert.Single(activity.Records, r => r.EventType == AuditEventTypes.ProjectCreated);
        Assert.Equal(8, created.Properties.GetProperty("height").GetInt32());
        Assert.Equal(AuditEventTypes.ProjectCreated, activity.Records[^1].EventType); // the first thing that happened
        Assert.Single(activity.Records, r => r.EventType == AuditEventTypes.MemberAdded);
        Assert.Contains(activity.Records, r => r.EventType == AuditEventTypes.DatasetRegistered && r.Subjects.Contains($"dataset:{dataset.Dataset.Id}"));

        // Paged: one record a page, each page older than the last, the same records in all.
        var paged = new List<ActivityRecordView>();
        long? after = null;
        do
        {
            ProjectActivityView page = await viewer.GetAsync<ProjectActivityView>($"/api/projects/{project.Id}/activity?limit=1{(after is null ? "" : $"&after={after}")}");
            paged.AddRange(page.Records);
            after = page.NextCursor;
        }
        while (after is not null && paged.Count < 100);
        Assert.Equal(activity.Records.Select(r => r.Sequence), paged.Select(r => r.Sequence));

        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync($"/api/projects/{project.Id}/activity?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync($"/api/projects/{project.Id}/activity?limit={ProjectActivityApi.MaxLimit + 1}")).StatusCode);
    }

    [ProviderFact]
    public async Task Non_members_get_404_as_for_a_missing_project_and_anonymous_callers_401()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        using ApiClient stranger = await fixture.BrowserAsync(PlatformApiFixture.Unique("stranger"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        await fixture.AuditRecordsAsync();

        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/projects/{project.Id}/activity")).StatusCode);
        using HttpResponseMessage refused = await stranger.GetAsync($"/api/projects/{project.Id}/activity");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("project.created", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/projects/{project.Id}/activity?limit=0")).StatusCode); // access before validation
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/projects/{Guid.NewGuid()}/activity")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous().GetAsync($"/api/projects/{project.Id}/activity")).StatusCode);
    }
}

public sealed class SqliteProjectActivityApiTests(SqlitePlatformApiFixture fixture) : ProjectActivityApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresProjectActivityApiTests(PostgresPlatformApiFixture fixture) : ProjectActivityApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
