using System.Collections.Concurrent;
using Imguard.Contracts.Jobs;
using Imguard.Dealer.Server;
using Imguard.Dealer.Sessions;
using Imguard.Learning.Nn;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imguard.Dealer.Tests.Server;

/// <summary>
/// A dealer on its own host learns that a job is over only by asking the platform: one sweep ends the session of a job
/// the platform no longer describes (its final usage reported), keeps the others, and ends nothing while the platform
/// cannot be asked.
/// </summary>
public sealed class DealerSessionSweeperTests
{
    private static readonly ModelSpec Spec = new([1, 4, 4], 3, [new("flatten"), new("linear", Out: 3)]);

    private static DealerJob Job(string id) => new(new JobDescription
    {
        JobId = id,
        ProjectId = "prj-1",
        TrainDatasetId = "ds-1",
        ModelSpecJson = Spec.ToJson(),
        Training = new JobTrainingOptions { Epochs = 1, BatchSize = 4, Hiding = HidingModes.Off },
    }, 8);

    private sealed class Catalog : IDealerJobCatalog
    {
        public ConcurrentDictionary<string, DealerJob> Jobs { get; } = new();

        public bool Unreachable { get; set; }

        public Task<DealerJob?> GetAsync(string jobId, CancellationToken cancellationToken) =>
            Unreachable ? throw new DealerException(DealerErrorKind.Busy, "The dealer cannot reach the platform.")
            : Task.FromResult(Jobs.TryGetValue(jobId, out var job) ? job : null);
    }

    [Fact]
    public async Task A_sweep_ends_the_sessions_of_jobs_the_platform_no_longer_describes_and_only_those()
    {
        var catalog = new Catalog();
        catalog.Jobs["job-1"] = Job("job-1");
        catalog.Jobs["job-2"] = Job("job-2");
        var usage = new ConcurrentQueue<DealerUsage>();
        using var sessions = new DealerSessions(catalog, options: new DealerSessionsOptions { AuditActor = DealerServer.Actor, UsageReported = usage.Enqueue });
        await sessions.Join("job-1", 0, 0, default);
        await sessions.Join("job-2", 0, 0, default);
        var sweeper = new DealerSessionSweeper(sessions, catalog, TimeSpan.FromMinutes(1), NullLogger<DealerSessionSweeper>.Instance);

        catalog.Jobs.TryRemove("job-1", out _);  // succeeded at the platform
        catalog.Unreachable = true;
        await sweeper.SweepAsync(default);
        Assert.Equal(["job-1", "job-2"], sessions.LiveJobIds().Order(StringComparer.Ordinal));

        catalog.Unreachable = false;
        await sweeper.SweepAsync(default);
        Assert.Equal(["job-2"], sessions.LiveJobIds());
        Assert.Contains(usage, u => u is { JobId: "job-1", Final: true });
        Assert.DoesNotContain(usage, u => u.JobId == "job-2");
    }

    [Fact]
    public void The_audit_actor_is_a_name()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DealerSessions(new Catalog(), options: new DealerSessionsOptions { AuditActor = " " }));
    }
}
