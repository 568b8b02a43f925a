using System.Collections.Concurrent;
using Imguard.Contracts.Jobs;
using Imguard.Dealer.Sessions;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;

namespace Imguard.Dealer.Tests.Sessions;

public sealed class DealerSessionsTests
{
    private static readonly ModelSpec Spec = new([1, 4, 4], 3, [new("flatten"), new("linear", Out: 3)]);

    private static JobDescription Job(string id = "job-1", string hiding = HidingModes.InstaHide) => new()
    {
        JobId = id,
        ProjectId = "prj-1",
        TrainDatasetId = "ds-1",
        ModelSpecJson = Spec.ToJson(),
        Training = new JobTrainingOptions { Epochs = 2, BatchSize = 4, Hiding = hiding, K = 2 },
    };

    private sealed class Catalog : IDealerJobCatalog
    {
        public ConcurrentDictionary<string, DealerJob> Jobs { get; } = new();

        public Task<DealerJob?> GetAsync(string jobId, CancellationToken cancellationToken) =>
            Task.FromResult(Jobs.TryGetValue(jobId, out var job) ? job : null);
    }

    private static (DealerSessions Sessions, Catalog Catalog, List<DealerUsage> Usage) Create(int maxLive = 16)
    {
        var catalog = new Catalog();
        catalog.Jobs["job-1"] = new DealerJob(Job(), 10);
        var usage = new List<DealerUsage>();
        var sessions = new DealerSessions(catalog, options: new DealerSessionsOptions
        {
            MaxLiveSessions = maxLive,
            UsageReported = u =>
            {
                lock (usage)
                {
                    usage.Add(u);
                }
            },
        });
        return (sessions, catalog, usage);
    }

    /// <summary>A party's randomness source whose dealer messages come from the session, as over the network.</summary>
    private sealed class SessionFeed(DealerSession session, int party) : IDealerFeed
    {
        public ValueTask<ulong[]> ReceiveAsync(long index, RandomnessRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(session.TakeItems(party, [(index, request)])[0]);
    }

    [Fact]
    public async Task Both_parties_join_the_same_attempt_and_get_their_own_seeds_once()
    {
        var (sessions, _, _) = Create();
        var (s0, job0, rand0) = await sessions.Join("job-1", 0, 0, default);
        var (s1, job1, rand1) = await sessions.Join("job-1", 1, 0, default);
        Assert.Same(s0, s1);
        Assert.Equal(0, s0.Attempt);
        Assert.Equal(4, new[] { job0, rand0, job1, rand1 }.Distinct().Count());
        var ex = Assert.Throws<DealerException>(() => s0.TakeSeeds(0));
        Assert.Equal(DealerErrorKind.OutOfStep, ex.Kind);
    }

    [Fact]
    public async Task A_party_asking_for_a_newer_attempt_starts_one_with_fresh_seeds_and_the_other_joins_it()
    {
        var (sessions, _, usage) = Create();
        var (first, seed0, _) = await sessions.Join("job-1", 0, 0, default);
        await sessions.Join("job-1", 1, 0, default);
        // Party 0 lost its peer: it asks for attempt ≥ 1; party 1 (restarted) asks for ≥ 1 too and joins the same one.
        var (second, seed0b, _) = await sessions.Join("job-1", 0, 1, default);
        var (joined, _, _) = await sessions.Join("job-1", 1, 1, default);
        Assert.Equal(1, second.Attempt);
        Assert.Same(second, joined);
        Assert.NotEqual(seed0, seed0b);
        Assert.Equal(DealerErrorKind.Gone, Assert.Throws<DealerException>(() => sessions.Get("job-1", 0)).Kind);
        Assert.Equal(DealerErrorKind.Gone, Assert.Throws<DealerException>(() => first.InitialParameters(1)).Kind);
        Assert.Contains(usage, u => u is { Attempt: 0, Final: true });
        // A party that joined asks again (it lost the reply): a new attempt, never the same seeds twice.
        var (third, _, _) = await sessions.Join("job-1", 0, 1, default);
        Assert.Equal(2, third.Attempt);
    }

    [Fact]
    public async Task Randomness_from_the_session_is_correlated_across_the_parties()
    {
        var (sessions, _, _) = Create();
        var (session, _, r0) = await sessions.Join("job-1", 0, 0, default);
        var (_, _, r1) = await sessions.Join("job-1", 1, 0, default);
        var p0 = new DealerRandomness(0, r0, new SessionFeed(session, 0));
        var p1 = new DealerRandomness(1, r1, new SessionFeed(session, 1));
        for (int round = 0; round < 3; round++)
        {
            // Party 1 sometimes asks first: the item is generated once and kept for the other party.
            var t1 = round % 2 == 0 ? await p1.TakeMatrixTripleAsync(3, 4, 5) : null;
            var t0 = await p0.TakeMatrixTripleAsync(3, 4, 5);
            t1 ??= await p1.TakeMatrixTripleAsync(3, 4, 5);
            var a = Sum(t0.A, t1.A);
            var b = Sum(t0.B, t1.B);
            var c = new ulong[15];
            RingOps.MatMul(a, b, c, 3, 4, 5);
            Assert.Equal(c, Sum(t0.C, t1.C));
            var e0 = await p0.TakeElementwiseTripleAsync(7);
            var e1 = await p1.TakeElementwiseTripleAsync(7);
            var product = new ulong[7];
            RingOps.Multiply(Sum(e0.A, e1.A), Sum(e0.B, e1.B), product);
            Assert.Equal(product, Sum(e0.C, e1.C));
        }
        DealerUsage usage = session.Usage();
        Assert.Equal((6L, 6L), (usage.Party0Items, usage.Party1Items));
        Assert.Equal(0L, usage.Party0Words);                    // triples: party 0's parts all come from its seed
        Assert.Equal(3L * (15 + 7), usage.Party1Words);
    }

    [Fact]
    public async Task Parties_out_of_step_are_refused_and_the_attempt_ends()
    {
        var (sessions, _, _) = Create();
        var (session, _, _) = await sessions.Join("job-1", 0, 0, default);
        await sessions.Join("job-1", 1, 0, default);
        session.TakeItems(0, [(0, RandomnessRequest.ElementwiseTriple(4))]);
        var ex = Assert.Throws<DealerException>(() => session.TakeItems(1, [(0, RandomnessRequest.Truncation(4, 16))]));
        Assert.Equal(DealerErrorKind.OutOfStep, ex.Kind);
        Assert.Contains("out of step", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(session.BrokenReason);
        // Everything after is refused, for both parties.
        Assert.Equal(DealerErrorKind.OutOfStep, Assert.Throws<DealerException>(() => session.TakeItems(1, [(0, RandomnessRequest.ElementwiseTriple(4))])).Kind);
        Assert.Equal(DealerErrorKind.OutOfStep, Assert.Throws<DealerException>(() => session.BeginEpoch(0, 0)).Kind);
        // A broken attempt is not joined again: the next join starts a new one.
        var (next, _, _) = await sessions.Join("job-1", 1, 0, default);
        Assert.Equal(1, next.Attempt);
    }

    [Fact]
    public async Task An_item_too_large_to_generate_is_refused_before_any_work_and_the_attempt_ends()
    {
        var (sessions, _, _) = Create();
        var (session, _, _) = await sessions.Join("job-1", 0, 0, default);
        await sessions.Join("job-1", 1, 0, default);
        // 2^30·2^30 words of C alone: a party that asked for this would exhaust the platform's memory.
        var huge = RandomnessRequest.MatrixTriple(1 << 30, 1 << 30, 1 << 30);
        var ex = Assert.Throws<DealerException>(() => session.TakeItems(0, [(0, huge)]));
        Assert.Contains("the limit for one item", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(session.BrokenReason);
        Assert.Equal(long.MaxValue, Mpc.Preprocessing.Dealer.WorkWords(huge));
        // What the presets ask for stays far below the limit.
        Assert.True(Mpc.Preprocessing.Dealer.WorkWords(RandomnessRequest.MatrixTriple(128, 784, 128)) < 1L << 22);
        Assert.True(Mpc.Preprocessing.Dealer.WorkWords(RandomnessRequest.ConvolutionTriple(64, new Conv2dGeometry(1, 28, 28, 5, 5), 16)) < 1L << 23);
    }

    [Fact]
    public async Task An_item_is_issued_once_per_party_and_in_order()
    {
        var (sessions, _, _) = Create();
        var (session, _, _) = await sessions.Join("job-1", 0, 0, default);
        await sessions.Join("job-1", 1, 0, default);
        var request = RandomnessRequest.ElementwiseTriple(2);
        session.TakeItems(0, [(0, request), (1, request)]);
        Assert.Throws<DealerException>(() => session.TakeItems(0, [(1, request)]));          // again
        var (fresh, _, _) = await sessions.Join("job-1", 0, 0, default);                      // a new attempt (the old one broke)
        await sessions.Join("job-1", 1, 0, default);
        Assert.Throws<DealerException>(() => fresh.TakeItems(1, [(1, request)]));            // skipping item 0
    }

    [Fact]
    public async Task Training_messages_party_1_gets_once_and_both_get_the_same_epoch()
    {
        var (sessions, _, _) = Create();
        var (session, _, _) = await sessions.Join("job-1", 0, 0, default);
        await sessions.Join("job-1", 1, 0, default);
        Assert.Empty(session.InitialParameters(0));
        Assert.Equal(16 * 3 + 3, session.InitialParameters(1).Length);
        Assert.Throws<DealerException>(() => session.InitialParameters(1));
        var (again, _, _) = await sessions.Join("job-1", 0, 1, default);
        await sessions.Join("job-1", 1, 1, default);

        HidingEpoch e1 = again.BeginEpoch(1, 0);
        HidingEpoch e0 = again.BeginEpoch(0, 0);
        Assert.Same(e1, e0);
        Assert.Equal(10, e0.Count);
        Assert.Empty(again.HidingBatch(0, 0, 0));
        ulong[] batch0 = again.HidingBatch(1, 0, 0);
        Assert.Equal(4 * (2 + 1) * (16 + 3), batch0.Length);                               // M·(K+1)·(D+C)
        Assert.Equal(DealerErrorKind.Invalid, Assert.Throws<DealerException>(() => again.BeginEpoch(0, 5)).Kind);
        Assert.Equal(DealerErrorKind.OutOfStep, Assert.Throws<DealerException>(() => again.HidingBatch(1, 0, 0)).Kind); // twice
    }

    [Fact]
    public async Task Test_encoding_batches_go_to_each_party_once_in_order_with_coefficients_for_party_1_only()
    {
        var (sessions, catalog, usage) = Create();
        catalog.Jobs["job-t"] = new DealerJob(Job("job-t") with { Training = Job().Training with { TestEncodings = 2 } }, 10, TestCount: 6);
        var (session, _, _) = await sessions.Join("job-t", 0, 0, default);
        await sessions.Join("job-t", 1, 0, default);

        var rows0 = session.TestEncodingBatch(0, 0, 0);
        var rows1 = session.TestEncodingBatch(1, 0, 0);
        Assert.Equal(rows0.TableRows, rows1.TableRows);
        Assert.Equal(4 * 2, rows0.TableRows.Length);                                         // M × K
        Assert.Empty(rows0.Message);
        Assert.Equal(4 * (2 + 1) * 16, rows1.Message.Length);                                // M·(K + 1)·D
        Assert.Equal(2 * 2, session.TestEncodingBatch(0, 1, 1).TableRows.Length);            // party 0 may skip ahead: it gets rows only
        Assert.Equal(DealerErrorKind.Invalid, Assert.Throws<DealerException>(() => session.TestEncodingBatch(1, 2, 0)).Kind);   // T = 2
        Assert.Equal(DealerErrorKind.Invalid, Assert.Throws<DealerException>(() => session.TestEncodingBatch(1, 0, 2)).Kind);   // 2 batches
        Assert.Equal(DealerErrorKind.OutOfStep, Assert.Throws<DealerException>(() => session.TestEncodingBatch(1, 0, 0)).Kind); // twice
        Assert.NotNull(session.BrokenReason);

        // A job without test encodings (or without a test set) has none to deal.
        var (clean, _, _) = await sessions.Join("job-1", 0, 0, default);
        Assert.Equal(DealerErrorKind.Invalid, Assert.Throws<DealerException>(() => clean.TestEncodingBatch(0, 0, 0)).Kind);
        session.Dispose();
        Assert.Contains(usage, u => u.JobId == "job-t" && u.Final && u.Party1DealtWords == 4 * (2 + 1) * 16);
    }

    [Fact]
    public async Task Unknown_or_finished_jobs_get_no_session_and_live_sessions_are_bounded()
    {
        var (sessions, catalog, usage) = Create(maxLive: 1);
        Assert.Equal(DealerErrorKind.NotFound, (await Assert.ThrowsAsync<DealerException>(() => sessions.Join("job-x", 0, 0, default))).Kind);
        await sessions.Join("job-1", 0, 0, default);
        catalog.Jobs["job-2"] = new DealerJob(Job("job-2"), 10);
        Assert.Equal(DealerErrorKind.Busy, (await Assert.ThrowsAsync<DealerException>(() => sessions.Join("job-2", 0, 0, default))).Kind);
        sessions.EndJob("job-1");
        Assert.Equal(0, sessions.LiveCount);
        Assert.Contains(usage, u => u is { JobId: "job-1", Final: true });
        var (s2, _, _) = await sessions.Join("job-2", 0, 0, default);
        Assert.Equal("job-2", s2.JobId);
        catalog.Jobs.TryRemove("job-2", out _);
        Assert.Equal(DealerErrorKind.NotFound, (await Assert.ThrowsAsync<DealerException>(() => sessions.Join("job-2", 1, 0, default))).Kind);
    }

    [Fact]
    public async Task Usage_is_reported_once_per_epoch_and_when_the_attempt_ends_with_counts_only()
    {
        var (sessions, _, usage) = Create();
        var (session, _, _) = await sessions.Join("job-1", 0, 0, default);
        await sessions.Join("job-1", 1, 0, default);
        long next = 0;
        void Step(int items)
        {
            for (int i = 0; i < items; i++, next++)
            {
                session.TakeItems(0, [(next, RandomnessRequest.Truncation(3, 16))]);
                session.TakeItems(1, [(next, RandomnessRequest.Truncation(3, 16))]);
            }
        }

        session.BeginEpoch(0, 0);
        session.BeginEpoch(1, 0);
        Step(5);
        Assert.Empty(usage); // items alone report nothing (they were reported every N items, drowning the activity lists)
        session.BeginEpoch(1, 1); // the first party to begin epoch 2 closes epoch 1's tally; the other's request adds none
        Step(2);
        session.BeginEpoch(0, 1);
        Assert.Equal(new DealerUsage("job-1", 0, 5, 0, 5, 5 * 6, 0, false) { Epoch = 1 }, Assert.Single(usage));
        sessions.EndJob("job-1");
        Assert.Equal(2, usage.Count);
        Assert.Equal(new DealerUsage("job-1", 0, 7, 0, 7, 7 * 6, 0, true), usage[1]);
        Assert.Null(usage[1].Epoch);
    }

    private static ulong[] Sum(ulong[] x, ulong[] y)
    {
        var z = new ulong[x.Length];
        RingOps.Add(x, y, z);
        return z;
    }
}
