using Imguard.Contracts.Datasets;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Imguard.Platform.Datasets;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Tests.Data;

public abstract class ConcurrencyTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider)
{
    [ProviderFact]
    public async Task Of_two_contexts_updating_the_same_dataset_the_second_fails_and_nothing_is_lost()
    {
        UserInfo owner = await UserAsync("owner");
        DatasetInfo dataset = Ok(await Datasets.RegisterAsync(owner.Id, Registration((await ProjectAsync(owner)).Id)));

        await using var first = Database.CreateContext();
        await using var second = Database.CreateContext();
        DatasetEntity a = await first.Datasets.SingleAsync(d => d.Id == dataset.Id);
        DatasetEntity b = await second.Datasets.SingleAsync(d => d.Id == dataset.Id);
        Assert.Equal(a.Version, b.Version);

        a.Name = "renamed by the first";
        await first.SaveChangesAsync();
        Assert.Equal(b.Version + 1, a.Version);

        b.Status = DatasetStatus.Ready;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());

        await using var check = Database.CreateContext();
        DatasetEntity stored = await check.Datasets.AsNoTracking().SingleAsync(d => d.Id == dataset.Id);
        Assert.Equal(("renamed by the first", DatasetStatus.Registered, a.Version), (stored.Name, stored.Status, stored.Version));
    }

    [ProviderFact]
    public async Task A_touched_row_conflicts_even_when_no_column_changed()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        await using var first = Database.CreateContext();
        await using var second = Database.CreateContext();
        ProjectEntity a = await first.Projects.SingleAsync(p => p.Id == project.Id);
        ProjectEntity b = await second.Projects.SingleAsync(p => p.Id == project.Id);
        first.Touch(a);
        await first.SaveChangesAsync();
        second.Touch(b);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }

    [ProviderFact]
    public async Task Both_parties_reporting_at_once_make_the_dataset_ready()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        for (int round = 0; round < 5; round++)
        {
            DatasetInfo dataset = Ok(await Datasets.RegisterAsync(owner.Id, Registration(project.Id)));
            using var barrier = new Barrier(2);
            Outcome<DatasetInfo>[] reports = await Task.WhenAll(Enumerable.Range(0, 2).Select(party => Task.Run(async () =>
            {
                barrier.SignalAndWait();
                return await HalfReports.ReportHalfAsync(dataset.Id, party, Shape, 100, Digest($"half {party}"));
            })));

            Assert.All(reports, r => Assert.True(r.IsOk, r.ToString()));
            DatasetInfo stored = Ok(await Datasets.GetAsync(owner.Id, dataset.Id));
            Assert.Equal(DatasetStatus.Ready, stored.Status);
            Assert.True(stored.Party0Reported && stored.Party1Reported);
        }
    }

    [ProviderFact]
    public async Task Both_parties_confirming_deletion_at_once_make_the_dataset_deleted()
    {
        UserInfo owner = await UserAsync("owner");
        DatasetInfo dataset = await ReadyDatasetAsync(owner, (await ProjectAsync(owner)).Id);
        Ok(await Deletions.RequestDeleteAsync(owner.Id, dataset.Id));
        using var barrier = new Barrier(2);
        await Task.WhenAll(Enumerable.Range(0, 2).Select(party => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            Ok(await Deletions.ConfirmDeletedAsync(dataset.Id, party));
        })));
        Assert.Equal(DatasetStatus.Deleted, Ok(await Datasets.GetAsync(owner.Id, dataset.Id)).Status);
    }
}

public sealed class SqliteConcurrencyTests() : ConcurrencyTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresConcurrencyTests() : ConcurrencyTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
