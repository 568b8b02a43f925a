using System.Collections.Concurrent;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Nn;
using Imguard.Mpc.Preprocessing;
using Imguard.Dealer.Sessions;
using Imguard.Testing;

namespace Imguard.Dealer.Tests.Sessions;

/// <summary>The dealer's metrics: items and bytes served, and the queue of items held for the slower party.</summary>
public sealed class DealerMetricsTests
{
    private static readonly ModelSpec Spec = new([1, 4, 4], 3, [new("flatten"), new("linear", Out: 3)]);

    private sealed class Catalog : IDealerJobCatalog
    {
        public ConcurrentDictionary<string, DealerJob> Jobs { get; } = new();

        public Task<DealerJob?> GetAsync(string jobId, CancellationToken cancellationToken) =>
            Task.FromResult(Jobs.TryGetValue(jobId, out var job) ? job : null);
    }

    [Fact]
    public async Task Served_items_and_the_queue_held_for_the_other_party_are_measured()
    {
        var catalog = new Catalog();
        catalog.Jobs["job-1"] = new DealerJob(new JobDescription
        {
            JobId = "job-1", ProjectId = "prj-1", TrainDatasetId = "ds-1", ModelSpecJson = Spec.ToJson(),
            Training = new JobTrainingOptions { Epochs = 1, BatchSize = 4 },
        }, 10);
        using var sessions = new DealerSessions(catalog);
        using var measured = new FlowMeasurements(scope: sessions);
        var (session, _, _) = await sessions.Join("job-1", 0, 0, default);
        await sessions.Join("job-1", 1, 0, default);

        (long, RandomnessRequest)[] items = [(0, RandomnessRequest.ElementwiseTriple(4)), (1, RandomnessRequest.ElementwiseTriple(4)), (2, RandomnessRequest.ElementwiseTriple(4))];
        IReadOnlyList<ulong[]> taken = session.TakeItems(0, items);
        measured.Observe();
        Assert.Equal(3, measured.Sum("imguard.dealer.items.served"));
        Assert.Equal(taken.Sum(m => m.Length) * 8, measured.Sum("imguard.dealer.served"));
        Assert.Equal(3, measured.Sum("imguard.dealer.queue.depth")); // party 1's halves, held until it asks
        Assert.Equal(1, measured.Sum("imguard.dealer.sessions"));

        session.TakeItems(1, items[..2]);
        measured.Observe();
        Assert.Equal(5, measured.Sum("imguard.dealer.items.served"));
        Assert.Equal(1, measured.Sum("imguard.dealer.queue.depth"));

        sessions.EndJob("job-1");
        measured.Observe();
        Assert.Equal(0, measured.Sum("imguard.dealer.queue.depth"));
        Assert.Equal(0, measured.Sum("imguard.dealer.sessions"));
    }
}
