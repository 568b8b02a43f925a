using System.Net;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Projects;
using Imguard.Platform.Api;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Tests.Api;

/// <summary>Members over HTTP: owners manage them, a project keeps an owner, a member may leave.</summary>
public abstract class ProjectsApiTests(PlatformApiFixture fixture)
{
    [ProviderFact]
    public async Task Owners_manage_members_and_the_last_owner_stays()
    {
        using ApiClient owner = await fixture.BrowserAsync(PlatformApiFixture.Unique("owner"));
        string memberName = PlatformApiFixture.Unique("member");
        using ApiClient member = await fixture.CliAsync(memberName);
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        Assert.Equal(ProjectRole.Owner, project.Role);

        MemberView added = await owner.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = memberName, role = "viewer" }, HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"/api/projects/{project.Id}/members", new { userName = memberName, role = "viewer" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostAsync($"/api/projects/{project.Id}/members", new { userName = PlatformApiFixture.Unique("ghost"), role = "viewer" })).StatusCode);
        Assert.Equal(ProjectRole.Viewer, (await member.GetAsync<ProjectView>($"/api/projects/{project.Id}")).Role);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsync($"/api/projects/{project.Id}/members/{added.UserId}", new { role = "owner" })).StatusCode);

        MemberView promoted = await owner.SendAsync<MemberView>(HttpMethod.Put, $"/api/projects/{project.Id}/members/{added.UserId}", new { role = "contributor" });
        Assert.Equal(ProjectRole.Contributor, promoted.Role);
        MemberView[] members = await member.GetAsync<MemberView[]>($"/api/projects/{project.Id}/members");
        Guid ownerId = Assert.Single(members, m => m.Role == ProjectRole.Owner).UserId;
        Assert.Equal(HttpStatusCode.Conflict, (await owner.DeleteAsync($"/api/projects/{project.Id}/members/{ownerId}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await member.DeleteAsync($"/api/projects/{project.Id}/members/{added.UserId}")).StatusCode); // leaves
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/projects/{project.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync("/api/projects", new { name = "bad", channels = 9, height = 8, width = 8, classes = 3 })).StatusCode);
    }
}

public sealed class SqliteProjectsApiTests(SqlitePlatformApiFixture fixture) : ProjectsApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresProjectsApiTests(PostgresPlatformApiFixture fixture) : ProjectsApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;

/// <summary>Grant issuance is rate-limited per user.</summary>
public sealed class GrantRateLimitTests(TightGrantLimitFixture fixture) : IClassFixture<TightGrantLimitFixture>
{
    [Fact]
    public async Task Grant_requests_beyond_the_limit_get_429_with_Retry_After()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetUploadView registered = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(8), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/datasets/{registered.Dataset.Id}/upload-grants")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/datasets/{registered.Dataset.Id}/upload-grants")).StatusCode);
        using HttpResponseMessage limited = await owner.PostAsync($"/api/datasets/{registered.Dataset.Id}/upload-grants");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        // Another user has a budget of their own.
        using ApiClient other = await fixture.CliAsync(PlatformApiFixture.Unique("other"));
        ProjectView theirs = await ApiTestData.ProjectAsync(other);
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsync($"/api/projects/{theirs.Id}/datasets", ApiTestData.Registration(8))).StatusCode);
    }
}
