using System.Net;
using Imguard.Contracts.Jobs;
using Imguard.Dealer.Sessions;
using Imguard.Learning.Nn;
using Imguard.Party.Jobs;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;

namespace Imguard.Party.Tests.Jobs;

/// <summary>
/// The attempt protocol over the wire: the real dealer endpoints on a stand-in platform and each party's
/// <see cref="DealerClient"/> with its own certificate. A join says whether the other party is in the attempt; a party
/// waits for it with a long poll; a replaced attempt answers 410 naming the live attempt, an ended job 410 without one
/// (and the next join 404).
/// </summary>
public sealed class DealerClientTests : IAsyncLifetime
{
    private const string JobId = "job-wire";
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private readonly List<ServiceIdentity> _identities = [];
    private readonly List<HttpClient> _clients = [];
    private StandInPlatform? _platform;

    public async Task InitializeAsync()
    {
        _platform = await StandInPlatform.StartAsync(_deployment);
        _platform.Jobs.Add(new DealerJob(new JobDescription
        {
            JobId = JobId,
            ProjectId = "prj-1",
            TrainDatasetId = "ds-1",
            ModelSpecJson = new ModelSpec([1, 4, 4], 3, [new("flatten"), new("linear", Out: 3)]).ToJson(),
            Training = new JobTrainingOptions { Epochs = 1, BatchSize = 4, Hiding = HidingModes.Off },
        }, 8));
    }

    public async Task DisposeAsync()
    {
        foreach (HttpClient client in _clients)
        {
            client.Dispose();
        }
        foreach (ServiceIdentity identity in _identities)
        {
            identity.Dispose();
        }
        await _platform!.DisposeAsync();
        _deployment.Dispose();
    }

    private DealerClient Party(int p)
    {
        ServiceIdentity identity = _deployment.Identity(ServiceRoles.Party(p));
        _identities.Add(identity);
        var http = new HttpClient(MutualTls.CreateServiceHandler(identity, ServiceRole.Platform)) { BaseAddress = _deployment.Settings.Platform.Url };
        _clients.Add(http);
        return new DealerClient(http);
    }

    [Fact]
    public async Task A_party_waits_for_its_peer_in_one_attempt_and_learns_at_once_when_it_joins_or_the_attempt_is_replaced()
    {
        DealerClient party0 = Party(0), party1 = Party(1);
        DealerAttemptReply first = await party0.JoinAsync(JobId, 0, default);
        Assert.Equal((0, false), (first.Attempt, first.PeerJoined));

        // Party 0 waits at the dealer; party 1's join ends the wait, and party 1's reply says party 0 is there.
        Task<DealerAttemptStatus> waiting = party0.StatusAsync(JobId, 0, DealerWait.Peer, default);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        DealerAttemptReply second = await party1.JoinAsync(JobId, 0, default);
        Assert.Equal((0, true), (second.Attempt, second.PeerJoined));
        Assert.Equal(new DealerAttemptStatus(0, PeerJoined: true), await waiting.WaitAsync(TimeSpan.FromSeconds(10)));

        // Party 1 restarts and must not run attempt 0 again: it opens attempt 1, and party 0 watching attempt 0 is told
        // at once that the other party moved on, and to which attempt.
        Task<DealerAttemptStatus> watching = party0.StatusAsync(JobId, 0, DealerWait.End, default);
        DealerAttemptReply restarted = await party1.JoinAsync(JobId, 1, default);
        Assert.Equal((1, false), (restarted.Attempt, restarted.PeerJoined));
        DealerRequestException replaced = await Assert.ThrowsAsync<DealerRequestException>(() => watching.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal((HttpStatusCode.Gone, 1), (replaced.Status, replaced.LiveAttempt));
        Assert.True(replaced.AttemptGone && !replaced.JobIsOver);
        Assert.True((await party0.JoinAsync(JobId, 1, default)).PeerJoined);

        // The job ends: a party still in it gets 410 without a live attempt (not "the other party moved on"), and the
        // next join says the job is over.
        _platform!.Jobs.Remove(JobId);
        _platform.Dealer.EndJob(JobId);
        DealerRequestException ended = await Assert.ThrowsAsync<DealerRequestException>(() => party1.StatusAsync(JobId, 1, DealerWait.End, default));
        Assert.Equal((HttpStatusCode.Gone, (int?)null), (ended.Status, ended.LiveAttempt));
        Assert.True((await Assert.ThrowsAsync<DealerRequestException>(() => party1.JoinAsync(JobId, 2, default))).JobIsOver);
    }
}
