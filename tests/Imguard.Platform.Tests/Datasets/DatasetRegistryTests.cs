using Imguard.Contracts.Datasets;
using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Imguard.Platform.Datasets;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Tests.Datasets;

public abstract class DatasetRegistryTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider)
{
    [ProviderFact]
    public async Task The_client_may_choose_the_id_it_bound_into_the_share_files_once()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo registered = Ok(await Datasets.RegisterAsync(owner.Id, Registration(project.Id) with { Id = "ds-0123456789abcdef" }));
        Assert.Equal("ds-0123456789abcdef", registered.Id);
        Fails(OutcomeStatus.Conflict, await Datasets.RegisterAsync(owner.Id, Registration(project.Id) with { Id = "ds-0123456789abcdef" }), "taken");
        Fails(OutcomeStatus.Invalid, await Datasets.RegisterAsync(owner.Id, Registration(project.Id) with { Id = "../etc" }), "dataset id");
        Fails(OutcomeStatus.Invalid, await Datasets.RegisterAsync(owner.Id, Registration(project.Id) with { Id = "ds-0123456789ABCDEF" }), "dataset id");
    }

    [ProviderFact]
    public async Task A_dataset_is_ready_only_when_both_parties_report_matching_halves()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo registered = Ok(await Datasets.RegisterAsync(owner.Id, Registration(project.Id)));
        Assert.StartsWith("ds-", registered.Id, StringComparison.Ordinal);
        Assert.Equal(DatasetStatus.Registered, registered.Status);

        Clock.Advance(TimeSpan.FromSeconds(5));
        DatasetInfo afterOne = Ok(await HalfReports.ReportHalfAsync(registered.Id, 1, Shape, 100, Digest("half 1").ToUpperInvariant()));
        Assert.Equal(DatasetStatus.Registered, afterOne.Status);
        Assert.False(afterOne.IsUsable);
        Assert.True(afterOne.Party1Reported);
        Assert.False(afterOne.Party0Reported);

        Clock.Advance(TimeSpan.FromSeconds(5));
        DatasetInfo ready = Ok(await HalfReports.ReportHalfAsync(registered.Id, 0, Shape, 100, Digest("half 0")));
        Assert.Equal(DatasetStatus.Ready, ready.Status);
        Assert.Equal(Start + TimeSpan.FromSeconds(10), ready.ReadyAt);
        Assert.Equal(DatasetStatus.Ready, Ok(await Datasets.GetAsync(owner.Id, registered.Id)).Status);

        // A party retrying the same report changes nothing.
        Assert.Equal(DatasetStatus.Ready, Ok(await HalfReports.ReportHalfAsync(registered.Id, 0, Shape, 100, Digest("half 0"))).Status);
    }

    public static TheoryData<int, string, string> Mismatches() => new()
    {
        { 0, "digest", "digest differs" },
        { 1, "digest", "digest differs" },
        { 0, "shape", "shape 3×28×28 reported, 1×28×28 expected" },
        { 1, "shape", "shape 3×28×28 reported, 1×28×28 expected" },
        { 0, "count", "count 99 reported, 100 expected" },
        { 1, "count", "count 99 reported, 100 expected" },
    };

    [ProviderTheory]
    [MemberData(nameof(Mismatches))]
    public async Task A_mismatching_half_rejects_the_dataset_naming_the_party_and_the_field(int party, string field, string expected)
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo dataset = Ok(await Datasets.RegisterAsync(owner.Id, Registration(project.Id)));
        int other = 1 - party;
        Ok(await HalfReports.ReportHalfAsync(dataset.Id, other, Shape, 100, Digest($"half {other}")));

        string digest = field == "digest" ? Digest("something else") : Digest($"half {party}");
        ImageShape shape = field == "shape" ? new ImageShape(3, 28, 28) : Shape;
        int count = field == "count" ? 99 : 100;
        DatasetInfo rejected = Ok(await HalfReports.ReportHalfAsync(dataset.Id, party, shape, count, digest));

        Assert.Equal(DatasetStatus.Rejected, rejected.Status);
        Assert.False(rejected.IsUsable);
        Assert.Null(rejected.ReadyAt);
        Assert.Contains($"Party {party}", rejected.RejectionReason, StringComparison.Ordinal);
        Assert.Contains(expected, rejected.RejectionReason, StringComparison.Ordinal);
        Assert.DoesNotContain(digest, rejected.RejectionReason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Digest($"half {party}"), rejected.RejectionReason, StringComparison.OrdinalIgnoreCase);

        // Rejected for good: even a correct report now is refused, and no job can use it.
        Fails(OutcomeStatus.Conflict, await HalfReports.ReportHalfAsync(dataset.Id, party, Shape, 100, Digest($"half {party}")), "rejected");
        Assert.Equal(DatasetStatus.Rejected, Ok(await Datasets.GetAsync(owner.Id, dataset.Id)).Status);
    }

    [ProviderFact]
    public async Task A_mismatch_from_the_first_reporter_rejects_at_once()
    {
        UserInfo owner = await UserAsync("owner");
        DatasetInfo dataset = Ok(await Datasets.RegisterAsync(owner.Id, Registration((await ProjectAsync(owner)).Id)));
        DatasetInfo rejected = Ok(await HalfReports.ReportHalfAsync(dataset.Id, 0, Shape, 100, Digest("half 1")));
        Assert.Equal(DatasetStatus.Rejected, rejected.Status);
        Assert.Equal("Party 0's half does not match the registration: digest differs.", rejected.RejectionReason);
    }

    [ProviderFact]
    public async Task A_second_different_report_from_the_same_party_rejects_even_a_ready_dataset()
    {
        UserInfo owner = await UserAsync("owner");
        DatasetInfo ready = await ReadyDatasetAsync(owner, (await ProjectAsync(owner)).Id);
        DatasetInfo rejected = Ok(await HalfReports.ReportHalfAsync(ready.Id, 1, Shape, 100, Digest("replaced half")));
        Assert.Equal(DatasetStatus.Rejected, rejected.Status);
        Assert.Contains("Party 1 reported a second, different half (digest differs", rejected.RejectionReason, StringComparison.Ordinal);
    }

    [ProviderFact]
    public async Task Reports_for_unknown_datasets_and_bad_reports_are_refused()
    {
        Fails(OutcomeStatus.NotFound, await HalfReports.ReportHalfAsync("ds-00000000000000000000", 0, Shape, 100, Digest("x")));
        Fails(OutcomeStatus.NotFound, await HalfReports.ReportHalfAsync(new string('d', 500), 0, Shape, 100, Digest("x")));
        Fails(OutcomeStatus.Invalid, await HalfReports.ReportHalfAsync("ds-00000000000000000000", 2, Shape, 100, Digest("x")), "0 and 1");
        Fails(OutcomeStatus.Invalid, await HalfReports.ReportHalfAsync("ds-00000000000000000000", 0, Shape, 100, "abc"), "SHA-256");
        Fails(OutcomeStatus.NotFound, await Deletions.ConfirmDeletedAsync("ds-00000000000000000000", 0));
    }

    [ProviderFact]
    public async Task Registration_needs_upload_rights_and_the_projects_shape()
    {
        UserInfo owner = await UserAsync("owner");
        UserInfo contributor = await UserAsync("contributor");
        UserInfo viewer = await UserAsync("viewer");
        UserInfo stranger = await UserAsync("stranger");
        ProjectInfo project = await ProjectWithAsync(owner, (contributor, ProjectRole.Contributor), (viewer, ProjectRole.Viewer));

        Ok(await Datasets.RegisterAsync(contributor.Id, Registration(project.Id)));
        Fails(OutcomeStatus.Forbidden, await Datasets.RegisterAsync(viewer.Id, Registration(project.Id)), "Viewer may not upload");
        Fails(OutcomeStatus.NotFound, await Datasets.RegisterAsync(stranger.Id, Registration(project.Id)));
        Fails(OutcomeStatus.Invalid, await Datasets.RegisterAsync(owner.Id, Registration(project.Id) with { Shape = new ImageShape(3, 28, 28) }), "input shape");
        Fails(OutcomeStatus.Invalid, await Datasets.RegisterAsync(owner.Id, Registration(project.Id) with { Classes = 3 }), "classes");
        Fails(OutcomeStatus.Invalid, await Datasets.RegisterAsync(owner.Id, Registration(project.Id) with { Count = 0 }), "images");
        Fails(OutcomeStatus.Invalid, await Datasets.RegisterAsync(owner.Id, Registration(project.Id) with { FractionalBits = 41 }), "fractional");
        Fails(OutcomeStatus.Invalid, await Datasets.RegisterAsync(owner.Id, Registration(project.Id) with { Party1Digest = "zz" }), "party 1");

        Assert.Single(Ok(await Datasets.ListAsync(viewer.Id, project.Id)));
        Fails(OutcomeStatus.NotFound, await Datasets.ListAsync(stranger.Id, project.Id));
        string id = Ok(await Datasets.ListAsync(owner.Id, project.Id))[0].Id;
        Fails(OutcomeStatus.NotFound, await Datasets.GetAsync(stranger.Id, id));
    }

    [ProviderFact]
    public async Task Deletion_waits_for_both_parties()
    {
        UserInfo owner = await UserAsync("owner");
        UserInfo contributor = await UserAsync("contributor");
        ProjectInfo project = await ProjectWithAsync(owner, (contributor, ProjectRole.Contributor));
        DatasetInfo dataset = await ReadyDatasetAsync(owner, project.Id);

        Fails(OutcomeStatus.Conflict, await Deletions.ConfirmDeletedAsync(dataset.Id, 0), "not being deleted");
        Fails(OutcomeStatus.Forbidden, await Deletions.RequestDeleteAsync(contributor.Id, dataset.Id), "delete data");
        Assert.Equal(DatasetStatus.Deleting, Ok(await Deletions.RequestDeleteAsync(owner.Id, dataset.Id)).Status);
        Fails(OutcomeStatus.Conflict, await HalfReports.ReportHalfAsync(dataset.Id, 0, Shape, 100, Digest("half 0")), "deleting");

        Assert.Equal(DatasetStatus.Deleting, Ok(await Deletions.ConfirmDeletedAsync(dataset.Id, 1)).Status);
        Assert.Equal(DatasetStatus.Deleting, Ok(await Deletions.ConfirmDeletedAsync(dataset.Id, 1)).Status);
        Assert.Equal(DatasetStatus.Deleted, Ok(await Deletions.ConfirmDeletedAsync(dataset.Id, 0)).Status);
        Assert.Empty(Ok(await Datasets.ListAsync(owner.Id, project.Id)));
        Assert.Single(Ok(await Datasets.ListAsync(owner.Id, project.Id, includeDeleted: true)));
    }

    [ProviderFact]
    public async Task A_dataset_in_use_by_a_live_job_cannot_be_deleted()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo dataset = await ReadyDatasetAsync(owner, project.Id);
        var job = await QueuedJobAsync(owner, JobRequest(project.Id, dataset.Id));

        Fails(OutcomeStatus.Conflict, await Deletions.RequestDeleteAsync(owner.Id, dataset.Id), job.Id);
        Ok(await Jobs.RequestCancelAsync(owner.Id, job.Id));
        Ok(await Deletions.RequestDeleteAsync(owner.Id, dataset.Id));
    }

    [ProviderFact]
    public async Task Registration_stays_within_the_per_user_and_per_project_storage_quotas()
    {
        // 100,000 images of 1×28×28 with 10 classes: 100,000 × 794 × 8 bytes and the file's header and hashes at each party.
        const int Count = 100_000;
        long size = DatasetStorage.HalfBytes(Shape, Count, 10);
        // A version 2 header (280 bytes, with the owner key) is the larger of the two, so the estimate takes it.
        Assert.Equal(280 + (Count * 794L * 8) + (((Count * 794L * 8) + (1 << 20) - 1) / (1 << 20) * 32), size);
        Quotas.PerUserBytes = 1L << 30;       // one such dataset per user
        Quotas.PerProjectBytes = 3L << 29;    // two per project
        UserInfo owner = await UserAsync("owner");
        UserInfo second = await UserAsync("second");
        UserInfo third = await UserAsync("third");
        ProjectInfo project = await ProjectWithAsync(owner, (second, ProjectRole.Contributor), (third, ProjectRole.Contributor));

        DatasetInfo first = Ok(await Datasets.RegisterAsync(owner.Id, Registration(project.Id, count: Count)));
        var perUser = await Datasets.RegisterAsync(owner.Id, Registration(project.Id, count: Count));
        Fails(OutcomeStatus.Conflict, perUser, "per-user storage quota");
        Assert.Contains($"{DatasetStorage.Format(size)} of 1 GiB is in use", perUser.Error, StringComparison.Ordinal);
        Ok(await Datasets.RegisterAsync(second.Id, Registration(project.Id, count: Count)));
        var perProject = await Datasets.RegisterAsync(third.Id, Registration(project.Id, count: Count));
        Fails(OutcomeStatus.Conflict, perProject, "per-project storage quota");
        Assert.Contains($"{DatasetStorage.Format(2 * size)} of 1.5 GiB", perProject.Error, StringComparison.Ordinal);
        Ok(await Datasets.RegisterAsync(third.Id, Registration(project.Id, count: 100))); // a small one still fits

        // A deleted dataset no longer counts; one being deleted still does (its halves are still stored).
        Ok(await Deletions.RequestDeleteAsync(owner.Id, first.Id));
        Fails(OutcomeStatus.Conflict, await Datasets.RegisterAsync(owner.Id, Registration(project.Id, count: Count)), "per-user storage quota");
        Ok(await Deletions.ConfirmDeletedAsync(first.Id, 0));
        Ok(await Deletions.ConfirmDeletedAsync(first.Id, 1));
        Ok(await Datasets.RegisterAsync(owner.Id, Registration(project.Id, count: Count)));
    }

    [ProviderFact]
    public async Task Fresh_upload_grants_are_refused_once_the_datasets_exceed_a_lowered_quota()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo big = Ok(await Datasets.RegisterAsync(owner.Id, Registration(project.Id, count: 100_000)));
        Assert.Equal(big.Id, Ok(await Datasets.GetForUploadAsync(owner.Id, big.Id)).Id);

        Quotas.PerProjectBytes = 1L << 20;
        Fails(OutcomeStatus.Conflict, await Datasets.GetForUploadAsync(owner.Id, big.Id), "per-project storage quota");
        Quotas.PerProjectBytes = StorageQuotaOptions.DefaultPerProjectBytes;
        Quotas.PerUserBytes = 1L << 20;
        Fails(OutcomeStatus.Conflict, await Datasets.GetForUploadAsync(owner.Id, big.Id), "per-user storage quota");
    }

    [ProviderFact]
    public async Task Concurrent_registrations_cannot_pass_a_quota_together()
    {
        Quotas.PerUserBytes = 1L << 30;
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Datasets.RegisterAsync(owner.Id, Registration(project.Id, count: 100_000)))));
        Assert.Single(results, r => r.IsOk);
        Assert.Single(Ok(await Datasets.ListAsync(owner.Id, project.Id)));
    }
}

public sealed class SqliteDatasetRegistryTests() : DatasetRegistryTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresDatasetRegistryTests() : DatasetRegistryTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
