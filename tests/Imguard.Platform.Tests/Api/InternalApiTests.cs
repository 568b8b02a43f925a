using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Platform.Api;
using Imguard.Platform.Datasets;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Imguard.Platform.Tests.Api;

/// <summary>The parties' endpoints: who may call them, whose party id counts, and dataset deletion at the parties.</summary>
public abstract class InternalApiTests(PlatformApiFixture fixture)
{
    [ProviderFact]
    public async Task Internal_endpoints_refuse_anyone_without_a_party_certificate()
    {
        string name = PlatformApiFixture.Unique("owner");
        using ApiClient owner = await fixture.CliAsync(name);
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetUploadView registered = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(64), HttpStatusCode.Created);
        string path = $"/internal/datasets/{registered.Dataset.Id}/halves";

        using ApiClient anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.PostAsync(path, ApiTestData.HalfReport(64, 0))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PostAsync(path, ApiTestData.HalfReport(64, 0))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync($"/internal/datasets/{registered.Dataset.Id}")).StatusCode);
        using ApiClient platform = fixture.Service(ServiceRole.Platform);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.PostAsync(path, ApiTestData.HalfReport(64, 0))).StatusCode);
        using ApiClient audit = fixture.Service(ServiceRole.Audit);
        Assert.Equal(HttpStatusCode.Forbidden, (await audit.PostAsync(path, ApiTestData.HalfReport(64, 0))).StatusCode);

        Assert.Equal(DatasetStatus.Registered, (await owner.GetAsync<DatasetView>($"/api/datasets/{registered.Dataset.Id}")).Status);
        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Contains(records, r => AuthApiTests.Is(r, AuditEventTypes.PermissionDenied, "user:" + name)
            && r.GetProperty("properties").GetProperty("route").GetString()!.StartsWith("/internal/", StringComparison.Ordinal));
    }

    [ProviderFact]
    public async Task Both_parties_report_each_state_and_the_second_report_is_answered_200_without_a_change()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));
        using ApiClient party0 = fixture.Service(ServiceRole.Party0);
        using ApiClient party1 = fixture.Service(ServiceRole.Party1);

        // As the runners do: each party reports each state; whoever is second finds the job there already. That was a
        // 409 (and a "refused report" line in the party's log) at every job start and end.
        foreach (string state in new[] { "preprocessing", "running", "succeeded" })
        {
            JobView moved = await party0.PostAsync<JobView>($"/internal/jobs/{job.Id}/state", new { state });
            JobView again = await party1.PostAsync<JobView>($"/internal/jobs/{job.Id}/state", new { state });
            Assert.Equal(state, again.State.ToString(), ignoreCase: true);
            Assert.Equal((moved.StartedAt, moved.FinishedAt), (again.StartedAt, again.FinishedAt));
        }
        // A different state than the job's is still refused: a final job stays final.
        Assert.Equal(HttpStatusCode.Conflict, (await party1.PostAsync($"/internal/jobs/{job.Id}/state", new { state = "running" })).StatusCode);

        // One job.state_changed per state, not one per report.
        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        // Queued (the last approval), then preprocessing, running and succeeded.
        Assert.Equal(4, records.Count(r => r.GetProperty("eventType").GetString() == AuditEventTypes.JobStateChanged
            && r.GetProperty("subjects")[0].GetString() == "job:" + job.Id));
    }

    [ProviderFact]
    public async Task The_party_id_is_taken_from_the_certificate()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetUploadView registered = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(64), HttpStatusCode.Created);
        string id = registered.Dataset.Id;

        // Party 1 sees the registration's metadata, and its report is party 1's whatever the body says.
        using ApiClient party1 = fixture.Service(ServiceRole.Party1);
        PartyDatasetView seen = await party1.GetAsync<PartyDatasetView>($"/internal/datasets/{id}");
        Assert.Equal(("Registered", 1, 8, 8, 64L, 3, 16), (seen.Status, seen.Channels, seen.Height, seen.Width, seen.Count, seen.Classes, seen.FractionalBits));
        await party1.PostAsync<PartyDatasetView>($"/internal/datasets/{id}/halves", new { party = 0, channels = 1, height = 8, width = 8, classes = 3, count = 64, digest = ApiTestData.Digest("half 1") });

        DatasetView dataset = await owner.GetAsync<DatasetView>($"/api/datasets/{id}");
        Assert.Equal((false, true, DatasetStatus.Registered), (dataset.Party0Reported, dataset.Party1Reported, dataset.Status));
        Assert.Equal(HttpStatusCode.NotFound, (await party1.GetAsync("/internal/datasets/ds-0000")).StatusCode);
    }

    [ProviderFact]
    public async Task The_owner_key_both_parties_report_is_shown_and_halves_with_different_keys_are_rejected()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        using ApiClient party0 = fixture.Service(ServiceRole.Party0);
        using ApiClient party1 = fixture.Service(ServiceRole.Party1);

        DatasetView bound = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        Assert.Equal(Convert.ToBase64String(owner.PublicKey), bound.OwnerKey);
        Assert.Equal(OwnerKeys.ShortFingerprint(owner.PublicKey), bound.OwnerKeyFingerprint);
        Assert.Equal(owner.PublicKey.Length, Convert.FromBase64String(bound.OwnerKey!).Length);

        DatasetView versionOne = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id, versionOne: true);
        Assert.Equal((DatasetStatus.Ready, null, null), (versionOne.Status, versionOne.OwnerKey, versionOne.OwnerKeyFingerprint));

        // Party 1's half names another key (or none): the halves were not shared together by one owner.
        using var stranger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        foreach (byte[]? other in new[] { stranger.ExportSubjectPublicKeyInfo(), null })
        {
            DatasetUploadView registered = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(64), HttpStatusCode.Created);
            string halves = $"/internal/datasets/{registered.Dataset.Id}/halves";
            await party0.PostAsync<PartyDatasetView>(halves, ApiTestData.HalfReport(64, 0, ownerKey: owner.PublicKey));
            PartyDatasetView answer = await party1.PostAsync<PartyDatasetView>(halves, ApiTestData.HalfReport(64, 1, ownerKey: other));
            Assert.Equal("Rejected", answer.Status);
            DatasetView rejected = await owner.GetAsync<DatasetView>($"/api/datasets/{registered.Dataset.Id}");
            Assert.Equal((DatasetStatus.Rejected, null), (rejected.Status, rejected.OwnerKey));
            Assert.Contains("different owner keys", rejected.RejectionReason, StringComparison.Ordinal);
        }

        // A party that reports its half again with another key is refused like any other changed report.
        DatasetUploadView again = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(64), HttpStatusCode.Created);
        await party0.PostAsync<PartyDatasetView>($"/internal/datasets/{again.Dataset.Id}/halves", ApiTestData.HalfReport(64, 0, ownerKey: owner.PublicKey));
        await party0.PostAsync<PartyDatasetView>($"/internal/datasets/{again.Dataset.Id}/halves", ApiTestData.HalfReport(64, 0, ownerKey: stranger.ExportSubjectPublicKeyInfo()));
        Assert.Contains("owner key differs", (await owner.GetAsync<DatasetView>($"/api/datasets/{again.Dataset.Id}")).RejectionReason, StringComparison.Ordinal);

        // What is no P-256 key is refused before it reaches the dataset.
        DatasetUploadView garbled = await owner.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(64), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.BadRequest, (await party0.PostAsync($"/internal/datasets/{garbled.Dataset.Id}/halves", ApiTestData.HalfReport(64, 0, ownerKey: [1, 2, 3]))).StatusCode);
    }

    [ProviderFact]
    public async Task Deleting_a_dataset_asks_both_parties_and_waits_for_one_that_is_down()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView dataset = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        var deleted = new ConcurrentQueue<(int Party, string Id)>();
        await using WebApplication party0 = await FakePartyAsync(0, deleted);

        using HttpResponseMessage accepted = await owner.DeleteAsync($"/api/datasets/{dataset.Id}");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await WaitUntilAsync(() => deleted.Contains((0, dataset.Id)));
        await Task.Delay(500); // party 1 is down: the worker keeps retrying it
        Assert.Equal(DatasetStatus.Deleting, (await owner.GetAsync<DatasetView>($"/api/datasets/{dataset.Id}")).Status);

        await using WebApplication party1 = await FakePartyAsync(1, deleted);
        await WaitUntilAsync(async () => (await owner.GetAsync<DatasetView>($"/api/datasets/{dataset.Id}")).Status == DatasetStatus.Deleted);
        Assert.Single(deleted, d => d == (0, dataset.Id)); // a confirmed party is not asked again
        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Single(records, r => r.GetProperty("eventType").GetString() == AuditEventTypes.DatasetDeleted
            && r.GetProperty("subjects")[0].GetString() == "dataset:" + dataset.Id);
    }

    // A stand-in for a party's API: answers the platform's deletion requests (platform certificate required).
    private async Task<WebApplication> FakePartyAsync(int partyId, ConcurrentQueue<(int, string)> deleted)
    {
        ServiceRole role = ServiceRoles.Party(partyId);
        ServiceIdentity identity = fixture.Deployment.Identity(role);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenOn(fixture.Deployment.Settings.Parties[partyId].Api, identity, ClientCertificateMode.RequireCertificate));
        WebApplication app = builder.Build();
        app.MapDelete("/internal/datasets/{id}", (string id) =>
        {
            deleted.Enqueue((partyId, id));
            return Results.NoContent();
        }).RequireServiceRole(ServiceRole.Platform);
        await app.StartAsync();
        return app;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "timed out");
            await Task.Delay(50);
        }
    }
}

public sealed class SqliteInternalApiTests(SqlitePlatformApiFixture fixture) : InternalApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresInternalApiTests(PostgresPlatformApiFixture fixture) : InternalApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
