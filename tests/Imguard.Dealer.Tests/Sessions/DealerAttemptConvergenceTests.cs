using System.Collections.Concurrent;
using CsCheck;
using Imguard.Contracts.Jobs;
using Imguard.Dealer.Sessions;
using Imguard.Learning.Nn;

namespace Imguard.Dealer.Tests.Sessions;

/// <summary>
/// The attempt protocol's convergence at the dealer: a party whose peer is down waits in its attempt (no new attempts),
/// the peer coming back joins that attempt, a waiting party whose attempt is replaced learns it at once and joins the
/// live one — and, for any history of crashes, restarts and broken links, once both parties are back they run the same
/// attempt after at most two joins each, and no party ever joins an attempt twice.
/// </summary>
public sealed class DealerAttemptConvergenceTests
{
    private const string JobId = "job-1";
    private static readonly ModelSpec Spec = new([1, 4, 4], 3, [new("flatten"), new("linear", Out: 3)]);

    private sealed class Catalog : IDealerJobCatalog
    {
        public ConcurrentDictionary<string, DealerJob> Jobs { get; } = new();

        public Task<DealerJob?> GetAsync(string jobId, CancellationToken cancellationToken) =>
            Task.FromResult(Jobs.TryGetValue(jobId, out var job) ? job : null);
    }

    private static (DealerSessions Sessions, Catalog Catalog) Create(TimeSpan? maxWait = null)
    {
        var catalog = new Catalog();
        catalog.Jobs[JobId] = new DealerJob(new JobDescription
        {
            JobId = JobId,
            ProjectId = "prj-1",
            TrainDatasetId = "ds-1",
            ModelSpecJson = Spec.ToJson(),
            Training = new JobTrainingOptions { Epochs = 2, BatchSize = 4, Hiding = HidingModes.Off },
        }, 10);
        return (new DealerSessions(catalog, options: new DealerSessionsOptions { MaxWait = maxWait ?? TimeSpan.FromSeconds(20) }), catalog);
    }

    [Fact]
    public async Task A_party_whose_peer_is_down_waits_in_its_attempt_and_the_peer_back_from_a_restart_joins_it()
    {
        var (sessions, _) = Create();
        using var _ = sessions;
        await sessions.Join(JobId, 0, 0, default);
        await sessions.Join(JobId, 1, 0, default);

        // Party 1 is killed: party 0's link breaks, it asks for an attempt ≥ 1 and is alone in it.
        var (waiting, _, _) = await sessions.Join(JobId, 0, 1, default);
        Assert.Equal(1, waiting.Attempt);
        Assert.False(waiting.HasJoined(1));
        // It waits there (a long poll), however long party 1 stays down.
        Task<bool> wait = sessions.WaitAsync(JobId, 1, 0, DealerWait.Peer, default);
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);

        // Party 1 restarts: its state says it ran attempt 0, so it asks for ≥ 1, joins party 0's attempt and learns that
        // party 0 is in it; party 0's wait ends at once. No attempt was spent while party 1 was down.
        var (rejoined, _, _) = await sessions.Join(JobId, 1, 1, default);
        Assert.Same(waiting, rejoined);
        Assert.True(rejoined.HasJoined(0));
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await sessions.WaitAsync(JobId, 1, 1, DealerWait.None, default));
    }

    [Fact]
    public async Task A_long_poll_answers_not_yet_at_the_dealers_bound_and_an_attempt_that_ends_answers_gone()
    {
        var (sessions, _) = Create(maxWait: TimeSpan.FromMilliseconds(100));
        using var _ = sessions;
        await sessions.Join(JobId, 0, 0, default);
        Assert.False(await sessions.WaitAsync(JobId, 0, 0, DealerWait.Peer, default).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(await sessions.WaitAsync(JobId, 0, 0, DealerWait.End, default).WaitAsync(TimeSpan.FromSeconds(5)));
        // Only a party that joined the attempt may wait in it.
        Assert.Equal(DealerErrorKind.OutOfStep, (await Assert.ThrowsAsync<DealerException>(() => sessions.WaitAsync(JobId, 0, 1, DealerWait.Peer, default))).Kind);
        Assert.Equal(DealerErrorKind.Invalid, (await Assert.ThrowsAsync<DealerException>(() => sessions.WaitAsync(JobId, 0, 0, "forever", default))).Kind);

        // The job ends while a party waits: the wait ends at once, and the attempt is gone (the join then says 404).
        var (longer, _) = Create();
        using var __ = longer;
        await longer.Join(JobId, 0, 0, default);
        Task<bool> waiting = longer.WaitAsync(JobId, 0, 0, DealerWait.End, default);
        longer.EndJob(JobId);
        Assert.Equal(DealerErrorKind.Gone, (await Assert.ThrowsAsync<DealerException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)))).Kind);
        Assert.Equal(DealerErrorKind.Gone, Assert.Throws<DealerException>(() => longer.Get(JobId, 0)).Kind);
    }

    [Fact]
    public async Task A_waiting_party_whose_attempt_is_replaced_learns_it_at_once_and_joins_the_live_attempt()
    {
        var (sessions, _) = Create();
        using var _ = sessions;
        // Both parties restarted with different histories: party 1 last ran attempt 3, party 0 attempt 5.
        var (first, _, _) = await sessions.Join(JobId, 1, 4, default);
        Assert.Equal(4, first.Attempt);
        Task<bool> wait = sessions.WaitAsync(JobId, 4, 1, DealerWait.Peer, default);
        // Party 0 must not run attempt 4 or lower again: it opens attempt 6, which replaces 4.
        var (second, _, _) = await sessions.Join(JobId, 0, 6, default);
        Assert.Equal(6, second.Attempt);
        Assert.False(second.HasJoined(1));
        // Party 1's wait ends at once with "gone"; one more join (≥ 5) puts it in attempt 6 with party 0.
        DealerException gone = await Assert.ThrowsAsync<DealerException>(() => wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal((DealerErrorKind.Gone, (int?)6), (gone.Kind, gone.LiveAttempt));
        var (joined, _, _) = await sessions.Join(JobId, 1, 5, default);
        Assert.Same(second, joined);
        Assert.True(joined.HasJoined(0));
    }

    [Fact]
    public async Task A_platform_restart_loses_the_sessions_and_a_party_in_one_is_told_to_join_again_not_that_the_job_is_over()
    {
        var (sessions, _) = Create();
        await sessions.Join(JobId, 0, 4, default);
        sessions.Dispose();
        var (restarted, _) = Create();
        using var _ = restarted;
        // The old code said 404 here, which a party reads as "the job is over" and stops the job.
        Assert.Equal(DealerErrorKind.Gone, Assert.Throws<DealerException>(() => restarted.Get(JobId, 4)).Kind);
        Assert.Equal(DealerErrorKind.Gone, (await Assert.ThrowsAsync<DealerException>(() => restarted.WaitAsync(JobId, 4, 0, DealerWait.Peer, default))).Kind);
        var (fresh, _, _) = await restarted.Join(JobId, 0, 5, default);
        Assert.Equal(5, fresh.Attempt);
    }

    /// <summary>One party as the job runner drives it, reduced to its calls to the dealer.</summary>
    private sealed class PartyModel(int id)
    {
        public int Id { get; } = id;

        public Phase Phase { get; set; } = Phase.Joining;

        /// <summary>The least attempt the next join asks for.</summary>
        public int Min { get; set; }

        /// <summary>The attempt it is in (waiting or running).</summary>
        public int Attempt { get; set; } = -1;

        /// <summary>The newest attempt it ever joined (what its state.json says across restarts).</summary>
        public int LastJoined { get; set; } = -1;

        /// <summary>The attempts it joined since both parties are back.</summary>
        public List<int> Joined { get; } = [];
    }

    private enum Phase
    {
        Down,
        Joining,
        Waiting,
        Running,
    }

    private enum Event
    {
        Step0,
        Step1,
        Crash0,
        Crash1,
        Restart0,
        Restart1,
        BreakLink,
    }

    private static bool Connected(PartyModel[] parties) =>
        parties[0].Phase == Phase.Running && parties[1].Phase == Phase.Running && parties[0].Attempt == parties[1].Attempt;

    /// <summary>What the job runner does next in this phase: join, wait in the attempt, or watch the running attempt.</summary>
    private static async Task StepAsync(DealerSessions sessions, PartyModel[] parties, int p)
    {
        PartyModel party = parties[p], other = parties[1 - p];
        switch (party.Phase)
        {
            case Phase.Joining:
                var (session, _, _) = await sessions.Join(JobId, p, party.Min, default);
                // Randomness is never reused: a party never joins an attempt it joined before.
                Assert.True(session.Attempt > party.LastJoined, $"party {p} joined attempt {session.Attempt} after {party.LastJoined}");
                Assert.True(session.Attempt >= party.Min);
                party.Attempt = party.LastJoined = session.Attempt;
                party.Min = session.Attempt + 1;
                party.Phase = session.HasJoined(1 - p) ? Phase.Running : Phase.Waiting;
                party.Joined.Add(session.Attempt);
                break;
            case Phase.Waiting:
                try
                {
                    if (await sessions.WaitAsync(JobId, party.Attempt, p, DealerWait.None, default))
                    {
                        party.Phase = Phase.Running;
                    }
                }
                catch (DealerException e) when (e.Kind == DealerErrorKind.Gone)
                {
                    party.Phase = Phase.Joining; // replaced while waiting: join the live one (spends no attempt)
                }
                break;
            case Phase.Running when !Connected(parties):
                try
                {
                    sessions.Get(JobId, party.Attempt); // the watcher's long poll
                    if (other.Phase == Phase.Down)
                    {
                        party.Phase = Phase.Joining; // no peer link within the peer timeout: an interruption
                    }
                }
                catch (DealerException e) when (e.Kind == DealerErrorKind.Gone)
                {
                    party.Phase = Phase.Joining; // the other party restarted and opened a newer attempt: an interruption
                }
                break;
        }
    }

    [Fact]
    public void After_any_history_of_crashes_restarts_and_broken_links_both_parties_run_one_attempt_after_at_most_two_joins_each()
    {
        Gen<(Event[] History, bool[] Schedule)> gen = Gen.Select(Gen.Enum<Event>().Array[0, 40], Gen.Bool.Array[0, 12]);
        gen.Sample((history, schedule) =>
        {
            var (sessions, _) = Create();
            using var _ = sessions;
            var parties = new[] { new PartyModel(0), new PartyModel(1) };
            void Restart(PartyModel party)
            {
                // A restarted party asks for the attempt after the one its state.json names; its counters start again.
                party.Phase = Phase.Joining;
                party.Min = party.LastJoined + 1;
            }
            foreach (Event e in history)
            {
                switch (e)
                {
                    case Event.Step0 or Event.Step1:
                        StepAsync(sessions, parties, e == Event.Step0 ? 0 : 1).GetAwaiter().GetResult();
                        break;
                    case Event.Crash0 or Event.Crash1:
                        parties[e == Event.Crash0 ? 0 : 1].Phase = Phase.Down;
                        break;
                    case Event.Restart0 or Event.Restart1 when parties[e == Event.Restart0 ? 0 : 1].Phase == Phase.Down:
                        Restart(parties[e == Event.Restart0 ? 0 : 1]);
                        break;
                    case Event.BreakLink when Connected(parties):
                        foreach (PartyModel party in parties)
                        {
                            party.Phase = Phase.Joining; // both see the broken link: an interruption each
                        }
                        break;
                }
            }

            // Both parties are back. From here on each joins at most twice (its first join, and one more if the attempt it
            // joined is replaced by the other's first join — e.g. it joined an attempt the other had joined before it
            // restarted), at most two attempts are opened, and then they share one.
            foreach (PartyModel party in parties.Where(p => p.Phase == Phase.Down))
            {
                Restart(party);
            }
            foreach (PartyModel party in parties)
            {
                party.Joined.Clear();
            }
            IEnumerable<int> order = schedule.Select(b => b ? 1 : 0).Concat(Enumerable.Range(0, 12).Select(i => i % 2));
            foreach (int p in order)
            {
                if (Connected(parties))
                {
                    break;
                }
                StepAsync(sessions, parties, p).GetAwaiter().GetResult();
            }
            Assert.True(Connected(parties), $"not converged: party 0 {parties[0].Phase} {parties[0].Attempt}, party 1 {parties[1].Phase} {parties[1].Attempt}");
            Assert.All(parties, p => Assert.InRange(p.Joined.Count, 0, 2));
            Assert.InRange(parties.SelectMany(p => p.Joined).Distinct().Count(), 0, 2);
        }, iter: 1000, threads: 1);
    }
}
