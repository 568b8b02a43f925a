using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;
using Imguard.Audit.Verification;

namespace Imguard.Audit.Tests.Verification;

/// <summary>
/// Someone with write access to the audit database but not the signing key deletes signed checkpoints, alone or to
/// hide records rewritten (and re-hashed) or cut off after them. A real log of 25 records in a SQLite file, one a
/// second, with the policy "every 10 records, every minute" (checkpoints at 10 and 20) and a shutdown checkpoint at
/// 25, tampered with by raw SQL. Every deletion must be reported as a missing checkpoint where one was due; what the
/// log alone cannot show (a log cut back to one of its checkpoints, an uncovered tail younger than the period while
/// the server runs) is shown with a trusted copy of a checkpoint (an anchor).
/// </summary>
public sealed class CheckpointDeletionTests : IAsyncLifetime
{
    private const int Records = 25;
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly AuditCheckpointPolicy Policy = new(10, TimeSpan.FromMinutes(1));

    private readonly AuditSigningKey _key = AuditSigningKey.Generate();
    private readonly ManualTimeProvider _clock = new(Start);
    private TestDatabase _db = null!;
    private AuditLog _log = null!;
    private string _lastCheckpointFile = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _lastCheckpointFile = Path.Combine(Path.GetDirectoryName(_db.Path)!, "last-checkpoint.json");
        _log = OpenLog(_lastCheckpointFile);
        for (int i = 0; i < Records; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _log.AppendAsync(SampleEvents.Event(i));
        }

        Assert.Equal(Records, (await _log.CheckpointAsync())!.Sequence); // as at shutdown
    }

    public async Task DisposeAsync()
    {
        _log.Dispose();
        _key.Dispose();
        await _db.DisposeAsync();
    }

    private AuditLog OpenLog(string? lastCheckpointFile) => new(_db.Database, _key,
        new AuditLogOptions { CheckpointInterval = Policy.Interval, CheckpointPeriod = Policy.Period, LastCheckpointPath = lastCheckpointFile }, _clock);

    /// <summary>Verifies as the CLI does on the audit host: the configured policy, at a given time.</summary>
    private Task<AuditVerificationReport> VerifyAsync(
        TimeSpan? after = null, bool stopped = false, IReadOnlyList<AuditAnchor>? anchors = null, AuditCheckpointPolicy? configured = null) =>
        AuditVerifier.VerifyAsync(_db.Database, _key.PublicKey, new AuditVerificationOptions
        {
            Policy = configured ?? Policy,
            Now = _clock.GetUtcNow() + (after ?? TimeSpan.Zero),
            ServerStopped = stopped,
            Anchors = anchors ?? [],
        });

    private static void AssertBreak(AuditVerificationReport report, long sequence, AuditBreakKind kind)
    {
        Assert.False(report.IsValid, report.ToString());
        Assert.True(report.Breaks.Any(b => b.Sequence == sequence && b.Kind == kind), $"expected {kind} at record {sequence}; the report says:\n{report}");
    }

    private static void AssertOnlyBreak(AuditVerificationReport report, long sequence, AuditBreakKind kind)
    {
        AssertBreak(report, sequence, kind);
        Assert.True(report.TotalBreaks == 1, $"expected one break; the report says:\n{report}");
    }

    private async Task<AuditAnchor> AnchorAsync(long sequence) => new(sequence, (await _log.GetAsync(sequence))!.RecordHash);

    private Task<int> DeleteCheckpointsAsync(string where) => _db.ExecuteAsync($"DELETE FROM audit_checkpoints WHERE {where}");

    /// <summary>Edits record <paramref name="from"/>'s actor and re-hashes the chain from there to the end, so every link holds.</summary>
    private async Task RewriteFromAsync(long from)
    {
        byte[] previous = (await _log.GetAsync(from - 1))!.RecordHash;
        for (long s = from; s <= Records; s++)
        {
            AuditRecord r = (await _log.GetAsync(s))!;
            string actor = s == from ? "user:mallory" : r.Actor;
            byte[] hash = ChainHashing.RecordHash(r.Sequence, AuditTime.ToMicroseconds(r.Timestamp), r.EventType, actor, r.Subjects, r.PropertiesJson, previous);
            await _db.ExecuteAsync("UPDATE audit_records SET actor = $a, previous_hash = $p, record_hash = $h WHERE sequence = $s",
                ("$a", actor), ("$p", previous), ("$h", hash), ("$s", s));
            previous = hash;
        }
    }

    [Fact]
    public async Task Checkpoints_are_chained_and_state_the_policy_and_the_intact_log_verifies_at_any_time()
    {
        IReadOnlyList<AuditCheckpoint> checkpoints = await _log.GetCheckpointsAsync();
        Assert.Equal([10L, 20, 25], checkpoints.Select(c => c.Sequence));
        Assert.All(checkpoints, c => Assert.Equal(Policy, c.Policy));
        Assert.Equal([0L, 10, 20], checkpoints.Select(c => c.PreviousSequence!.Value));
        Assert.Equal(ChainHashing.CheckpointDigest(checkpoints[1]), checkpoints[2].PreviousDigest);

        foreach (AuditVerificationReport report in new[] { await VerifyAsync(), await VerifyAsync(TimeSpan.FromDays(30), stopped: true), await VerifyAsync(anchors: [await AnchorAsync(20)]) })
        {
            Assert.True(report.IsValid, report.ToString());
            Assert.Equal(0, report.UncheckpointedRecords);
        }
    }

    [Fact]
    public async Task Deleting_every_checkpoint_is_reported_where_the_first_was_due()
    {
        Assert.Equal(3, await DeleteCheckpointsAsync("1 = 1"));
        AssertOnlyBreak(await VerifyAsync(), 10, AuditBreakKind.MissingCheckpoint);

        // A verifier that does not know the interval (another configuration) still sees the records' age.
        var unknown = new AuditCheckpointPolicy(1000, TimeSpan.FromMinutes(1));
        Assert.True((await VerifyAsync(configured: unknown)).IsValid); // written seconds ago: the limit of the log alone
        AssertOnlyBreak(await VerifyAsync(TimeSpan.FromMinutes(5), configured: unknown), Records, AuditBreakKind.MissingCheckpoint);
        AssertOnlyBreak(await VerifyAsync(stopped: true, configured: unknown), Records, AuditBreakKind.MissingCheckpoint);
    }

    [Fact]
    public async Task A_rewrite_hidden_by_deleting_the_checkpoints_after_it_is_reported()
    {
        // Edit record 15, re-hash 15..25, delete the checkpoints that would show it (20 and 25): 10 still holds.
        await RewriteFromAsync(15);
        Assert.Equal(2, await DeleteCheckpointsAsync("sequence >= 15"));
        AuditVerificationReport report = await VerifyAsync();
        AssertOnlyBreak(report, 20, AuditBreakKind.MissingCheckpoint);
        Assert.Contains("signs one at record 20 at the latest", report.FirstBreak!.Description, StringComparison.Ordinal);

        // From the start: no checkpoint is left at all.
        await RewriteFromAsync(3);
        await DeleteCheckpointsAsync("1 = 1");
        AssertOnlyBreak(await VerifyAsync(), 10, AuditBreakKind.MissingCheckpoint);
    }

    [Fact]
    public async Task A_checkpoint_deleted_from_the_middle_breaks_the_checkpoint_chain()
    {
        Assert.Equal(1, await DeleteCheckpointsAsync("sequence = 10"));
        AuditVerificationReport report = await VerifyAsync();
        AssertOnlyBreak(report, 10, AuditBreakKind.MissingCheckpoint);
        Assert.Contains("the checkpoint at record 20 names it", report.FirstBreak!.Description, StringComparison.Ordinal);

        Assert.Equal(1, await DeleteCheckpointsAsync("sequence = 20"));
        report = await VerifyAsync();
        AssertOnlyBreak(report, 20, AuditBreakKind.MissingCheckpoint); // 25 names 20; 20 named 10 (both gone: one link)
    }

    [Fact]
    public async Task Deleting_the_last_checkpoint_is_reported_once_the_server_is_stopped_or_the_period_has_passed()
    {
        Assert.Equal(1, await DeleteCheckpointsAsync("sequence = 25"));
        AssertOnlyBreak(await VerifyAsync(stopped: true), 25, AuditBreakKind.MissingCheckpoint);
        AssertOnlyBreak(await VerifyAsync(TimeSpan.FromMinutes(3)), 25, AuditBreakKind.MissingCheckpoint);

        // While the server may be running and the records are younger than the period (and tolerance), the five
        // records after 20 may legitimately still be uncovered: that window is the limit without an anchor.
        AuditVerificationReport running = await VerifyAsync(TimeSpan.FromSeconds(30));
        Assert.True(running.IsValid, running.ToString());
        Assert.Equal(5, running.UncheckpointedRecords);
        AssertOnlyBreak(await VerifyAsync(anchors: [await AnchorAsync(25)]), 25, AuditBreakKind.MissingCheckpoint);
    }

    [Fact]
    public async Task Deleting_the_last_two_checkpoints_exceeds_the_interval()
    {
        Assert.Equal(2, await DeleteCheckpointsAsync("sequence > 10"));
        AssertOnlyBreak(await VerifyAsync(), 20, AuditBreakKind.MissingCheckpoint);
    }

    [Fact]
    public async Task Records_and_checkpoints_cut_off_together_are_reported_unless_the_cut_is_at_a_checkpoint()
    {
        // Cut back to record 15 with the checkpoints after 10: five uncovered records that are older than the period.
        await _db.ExecuteAsync("DELETE FROM audit_records WHERE sequence > 15; DELETE FROM audit_checkpoints WHERE sequence > 10");
        AssertOnlyBreak(await VerifyAsync(stopped: true), 15, AuditBreakKind.MissingCheckpoint);
        AssertOnlyBreak(await VerifyAsync(TimeSpan.FromMinutes(3)), 15, AuditBreakKind.MissingCheckpoint);
    }

    [Fact]
    public async Task A_log_cut_back_to_one_of_its_checkpoints_needs_an_anchor()
    {
        AuditAnchor copy = await AnchorAsync(25); // the platform's copy of the shutdown checkpoint
        await _db.ExecuteAsync("DELETE FROM audit_records WHERE sequence > 20; DELETE FROM audit_checkpoints WHERE sequence > 20");

        // Consistent in itself: records 1..20, checkpoints 10 and 20. Nothing in the log says there was more.
        AuditVerificationReport alone = await VerifyAsync(TimeSpan.FromDays(1), stopped: true);
        Assert.True(alone.IsValid, alone.ToString());

        AuditVerificationReport anchored = await VerifyAsync(anchors: [copy]);
        AssertOnlyBreak(anchored, 21, AuditBreakKind.TruncatedTail);
        Assert.Contains("a trusted checkpoint copy covers records up to 25", anchored.FirstBreak!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rewrite_of_the_uncovered_tail_with_its_checkpoint_deleted_is_shown_by_an_anchor()
    {
        AuditAnchor copy = await AnchorAsync(25);
        await RewriteFromAsync(22);
        await DeleteCheckpointsAsync("sequence = 25");
        Assert.True((await VerifyAsync(TimeSpan.FromSeconds(30))).IsValid); // within the period, without an anchor
        AuditVerificationReport report = await VerifyAsync(TimeSpan.FromSeconds(30), anchors: [copy]);
        AssertOnlyBreak(report, 25, AuditBreakKind.AnchorMismatch);
        Assert.Contains("rewritten", report.FirstBreak!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anchor_shows_a_rewrite_whose_checkpoints_were_deleted()
    {
        AuditAnchor copy = await AnchorAsync(20);
        await RewriteFromAsync(5);
        await DeleteCheckpointsAsync("1 = 1");
        AuditVerificationReport report = await VerifyAsync(anchors: [copy]);
        AssertBreak(report, 10, AuditBreakKind.MissingCheckpoint);
        AssertBreak(report, 20, AuditBreakKind.AnchorMismatch);
        Assert.Equal(1, report.AnchorCount);
    }

    [Fact]
    public async Task Anchors_that_do_not_match_the_log_are_reported()
    {
        byte[] wrong = new byte[32];
        wrong[0] = 1;
        AssertOnlyBreak(await VerifyAsync(anchors: [new AuditAnchor(20, wrong)]), 20, AuditBreakKind.AnchorMismatch);

        // The records match but no checkpoint was signed at 15: a trusted copy of one there means it was deleted.
        AssertOnlyBreak(await VerifyAsync(anchors: [await AnchorAsync(15)]), 15, AuditBreakKind.MissingCheckpoint);

        // A copy from further on than the log reaches: the log was cut.
        AssertOnlyBreak(await VerifyAsync(anchors: [new AuditAnchor(40, wrong)]), 26, AuditBreakKind.TruncatedTail);

        AuditVerificationReport matching = await VerifyAsync(anchors: [await AnchorAsync(10), await AnchorAsync(25)]);
        Assert.True(matching.IsValid, matching.ToString());
        Assert.Equal(2, matching.AnchorCount);
    }

    [Fact]
    public async Task A_running_log_never_continues_over_checkpoints_deleted_under_it()
    {
        await DeleteCheckpointsAsync("sequence >= 20");
        for (int i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _log.AppendAsync(SampleEvents.Event(100 + i));
        }

        AuditCheckpoint next = (await _log.CheckpointAsync())!;
        Assert.Equal(28, next.Sequence);
        Assert.Equal(25, next.PreviousSequence); // what it signed last, not what the database still holds
        AuditVerificationReport report = await VerifyAsync();
        AssertOnlyBreak(report, 25, AuditBreakKind.MissingCheckpoint);
    }

    [Fact]
    public async Task A_restarted_log_remembers_its_last_checkpoint_outside_the_database()
    {
        // While the server is stopped: rewrite the last segment and delete the checkpoint that covered it. The
        // restarted server signs the rewritten records, but names the deleted checkpoint as the one before.
        _log.Dispose();
        await RewriteFromAsync(22);
        await DeleteCheckpointsAsync("sequence = 25");
        _log = OpenLog(_lastCheckpointFile);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _log.AppendAsync(SampleEvents.Event(200));
        Assert.Equal(25, (await _log.CheckpointAsync())!.PreviousSequence);
        AssertOnlyBreak(await VerifyAsync(), 25, AuditBreakKind.MissingCheckpoint);
    }

    [Fact]
    public async Task A_damaged_or_foreign_last_checkpoint_file_is_not_trusted()
    {
        _log.Dispose();
        await File.WriteAllTextAsync(_lastCheckpointFile, """{"sequence": 99, "timestamp": "2026-12-01T09:00:00Z", "chainHash": "00", "keyId": "x", "signature": "00"}""");
        _log = OpenLog(_lastCheckpointFile);
        await _log.AppendAsync(SampleEvents.Event(300));
        Assert.Equal(25, (await _log.CheckpointAsync())!.PreviousSequence); // from the database, the file ignored
        Assert.True((await VerifyAsync()).IsValid);
    }
}
