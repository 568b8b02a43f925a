using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Projects;
using Imguard.Platform.Api;
using Imguard.Platform.Datasets;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.Platform.Tests.Api;

/// <summary>Dataset registration with upload grants, the parties' half reports, fresh grants, deletion.</summary>
public abstract class DatasetsApiTests(PlatformApiFixture fixture)
{
    [ProviderFact]
    public async Task Registration_returns_one_upload_grant_per_party_that_only_that_party_accepts()
    {
        string name = PlatformApiFixture.Unique("owner");
        using ApiClient owner = await fixture.CliAsync(name);
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetUploadView registered = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(64), HttpStatusCode.Created);

        Assert.Equal(DatasetStatus.Registered, registered.Dataset.Status);
        Assert.Equal((1, 8, 8, 3), (registered.Dataset.Channels, registered.Dataset.Height, registered.Dataset.Width, registered.Dataset.Classes));
        Assert.Equal([0, 1], registered.Uploads.Select(u => u.Party));
        using ECDsa platformKey = fixture.Deployment.Identity(ServiceRole.Platform).Certificate.GetECDsaPublicKey()!;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        foreach (GrantView upload in registered.Uploads)
        {
            Assert.Equal(fixture.Deployment.Settings.Parties[upload.Party].Api.Url.ToString(), upload.Url);
            Grant? grant = GrantToken.Verify(upload.Grant, platformKey, upload.Party, GrantPurpose.UploadDataset, now, out string reason);
            Assert.True(grant is not null, reason);
            Assert.Equal(registered.Dataset.Id, grant.Resource);
            Assert.Equal(project.Id.ToString("D"), grant.Project);
            Assert.Equal(name, grant.User);
            Assert.Equal(fixture.Deployment.Settings.Parties[upload.Party].MaxUploadBytes, grant.MaxBytes);
            Assert.Equal(32, grant.Nonce.Length);
            Assert.InRange(grant.ExpiresAt - grant.IssuedAt, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
            Assert.Equal(upload.ExpiresAt, grant.ExpiresAt);

            Assert.Null(GrantToken.Verify(upload.Grant, platformKey, 1 - upload.Party, GrantPurpose.UploadDataset, now, out reason));
            Assert.Contains("party", reason, StringComparison.Ordinal);
            Assert.Null(GrantToken.Verify(upload.Grant, platformKey, upload.Party, GrantPurpose.DownloadModel, now, out _));
        }

        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Null(GrantToken.Verify(registered.Uploads[0].Grant, other, 0, GrantPurpose.UploadDataset, now, out _));
        Assert.NotEqual(registered.Uploads[0].Grant, (await owner.PostAsync<DatasetUploadView>($"/api/datasets/{registered.Dataset.Id}/upload-grants", null)).Uploads[0].Grant);
    }

    [ProviderFact]
    public async Task Matching_reports_from_both_parties_make_a_dataset_ready()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView ready = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        Assert.True(ready.Party0Reported && ready.Party1Reported);
        Assert.NotNull(ready.ReadyAt);

        // No more uploads for a ready dataset.
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"/api/datasets/{ready.Id}/upload-grants")).StatusCode);
        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Single(records, r => r.GetProperty("eventType").GetString() == AuditEventTypes.DatasetReady
            && r.GetProperty("subjects").EnumerateArray().Any(s => s.GetString() == "dataset:" + ready.Id));
    }

    [ProviderFact]
    public async Task A_half_with_the_wrong_digest_rejects_the_dataset_for_good()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetUploadView registered = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(64), HttpStatusCode.Created);
        string id = registered.Dataset.Id;
        using (ApiClient party0 = fixture.Service(ServiceRole.Party0))
        {
            PartyDatasetView answer = await party0.PostAsync<PartyDatasetView>($"/internal/datasets/{id}/halves",
                new { channels = 1, height = 8, width = 8, classes = 3, count = 64, digest = ApiTestData.Digest("something else") });
            Assert.Equal("Rejected", answer.Status);
        }

        using (ApiClient party1 = fixture.Service(ServiceRole.Party1))
        {
            Assert.Equal(HttpStatusCode.Conflict, (await party1.PostAsync($"/internal/datasets/{id}/halves", ApiTestData.HalfReport(64, 1))).StatusCode);
        }

        DatasetView dataset = await owner.GetAsync<DatasetView>($"/api/datasets/{id}");
        Assert.Equal(DatasetStatus.Rejected, dataset.Status);
        Assert.Null(dataset.ReadyAt);
        Assert.Contains("digest differs", dataset.RejectionReason, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiTestData.Digest("something else"), dataset.RejectionReason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync($"/api/projects/{project.Id}/jobs", ApiTestData.Job(id))).StatusCode);
        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Contains(records, r => r.GetProperty("eventType").GetString() == AuditEventTypes.DatasetRejected && r.GetProperty("actor").GetString() == "party:0");
    }

    [ProviderFact]
    public async Task A_viewer_gets_no_upload_grants_and_a_non_member_does_not_see_the_dataset()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        string viewerName = PlatformApiFixture.Unique("viewer");
        using ApiClient viewer = await fixture.CliAsync(viewerName);
        using ApiClient stranger = await fixture.CliAsync(PlatformApiFixture.Unique("stranger"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        await owner.PostAsync<MemberView>($"/api/projects/{project.Id}/members", new { userName = viewerName, role = "viewer" }, HttpStatusCode.Created);
        DatasetUploadView registered = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(64), HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/datasets/{registered.Dataset.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/datasets/{registered.Dataset.Id}/upload-grants")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(8))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/datasets/{registered.Dataset.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/datasets/{registered.Dataset.Id}/upload-grants")).StatusCode);
    }

    [ProviderFact]
    public async Task Registration_takes_the_project_shape_and_refuses_bad_digests()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        using HttpResponseMessage bad = await owner.PostAsync($"/api/projects/{project.Id}/datasets",
            new { name = "x", purpose = "train", count = 10, fractionalBits = 16, digest0 = "abc", digest1 = ApiTestData.Digest("1") });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("digest", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync($"/api/projects/{project.Id}/datasets",
            new { name = "x", purpose = "sideways", count = 10, fractionalBits = 16, digest0 = ApiTestData.Digest("0"), digest1 = ApiTestData.Digest("1") })).StatusCode);

        // The id the client bound into its share files is kept; a taken id is refused.
        string id = "ds-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        object withId = new { name = "x", purpose = "Test", count = 10, fractionalBits = 16, digest0 = ApiTestData.Digest("0"), digest1 = ApiTestData.Digest("1"), id };
        DatasetUploadView registered = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", withId, HttpStatusCode.Created);
        Assert.Equal((id, DatasetPurpose.Test), (registered.Dataset.Id, registered.Dataset.Purpose));
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"/api/projects/{project.Id}/datasets", withId)).StatusCode);
        using HttpResponseMessage raw = await owner.GetAsync($"/api/datasets/{id}");
        Assert.Contains("\"status\":\"Registered\"", await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal); // enums by name
    }

    [ProviderFact]
    public async Task Registering_past_the_per_user_storage_quota_is_a_409_naming_the_quota_and_its_use()
    {
        // 10,000,000 images of 1×8×8 with 3 classes take 5 GiB at each party: one fits the default 8 GiB, two do not.
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("quinn"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(10_000_000), HttpStatusCode.Created);

        using HttpResponseMessage refused = await owner.PostAsync($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(10_000_000));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        string detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("per-user storage quota", detail, StringComparison.Ordinal);
        Assert.Contains("5 GiB of 8 GiB is in use", detail, StringComparison.Ordinal);
        Assert.Single(await owner.GetAsync<DatasetView[]>($"/api/projects/{project.Id}/datasets"));
    }
}

public sealed class SqliteDatasetsApiTests(SqlitePlatformApiFixture fixture) : DatasetsApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresDatasetsApiTests(PostgresPlatformApiFixture fixture) : DatasetsApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
