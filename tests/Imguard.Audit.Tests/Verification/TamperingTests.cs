using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;
using Imguard.Audit.Verification;

namespace Imguard.Audit.Tests.Verification;

/// <summary>
/// A real log of 25 records (checkpoints at 10 and 20) in a SQLite file, tampered with by raw SQL as someone with
/// access to the file could, then verified from the database. Each kind of tampering must be reported at the right
/// record with the right kind.
/// </summary>
public sealed class TamperingTests : IAsyncLifetime
{
    private const int Records = 25;
    private readonly AuditSigningKey _key = AuditSigningKey.Generate();
    private TestDatabase _db = null!;
    private AuditLog _log = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _log = new AuditLog(_db.Database, _key, new AuditLogOptions { CheckpointInterval = 10 });
        for (int i = 0; i < Records; i++)
        {
            await _log.AppendAsync(SampleEvents.Event(i));
        }
    }

    public async Task DisposeAsync()
    {
        _log.Dispose();
        _key.Dispose();
        await _db.DisposeAsync();
    }

    private Task<AuditVerificationReport> VerifyAsync() => AuditVerifier.VerifyAsync(_db.Database, _key.PublicKey);

    private static void AssertFirstBreak(AuditVerificationReport report, long sequence, AuditBreakKind kind)
    {
        Assert.False(report.IsValid);
        Assert.NotNull(report.FirstBreak);
        Assert.True(report.FirstBreak.Sequence == sequence && report.FirstBreak.Kind == kind,
            $"expected {kind} at record {sequence}; the report says:\n{report}");
    }

    [Fact]
    public async Task An_intact_log_verifies()
    {
        var report = await VerifyAsync();
        Assert.True(report.IsValid, report.ToString());
        Assert.Null(report.FirstBreak);
        Assert.Equal(Records, report.RecordCount);
        Assert.Equal(Records, report.LastSequence);
        Assert.Equal(2, report.CheckpointCount);
        Assert.Equal(20, report.LastCheckpointSequence);
        Assert.Equal(5, report.UncheckpointedRecords);
        Assert.StartsWith("audit log intact: 25 records, 2 checkpoints", report.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE audit_records SET actor = 'user:mallory' WHERE sequence = 7")]
    [InlineData("UPDATE audit_records SET event_type = 'user.logout' WHERE sequence = 7")]
    [InlineData("UPDATE audit_records SET properties_json = replace(properties_json, '\"index\":6', '\"index\":60') WHERE sequence = 7")]
    [InlineData("UPDATE audit_records SET timestamp_us = timestamp_us + 1 WHERE sequence = 7")]
    [InlineData("UPDATE audit_record_subjects SET subject_id = 'project:9' WHERE record_sequence = 7 AND position = 0")]
    [InlineData("DELETE FROM audit_record_subjects WHERE record_sequence = 7 AND position = 1")]
    [InlineData("UPDATE audit_records SET record_hash = zeroblob(32) WHERE sequence = 7")]
    public async Task An_edited_record_is_reported_as_altered_at_its_sequence_number(string sql)
    {
        Assert.Equal(1, await _db.ExecuteAsync(sql));
        var report = await VerifyAsync();
        AssertFirstBreak(report, 7, AuditBreakKind.RecordAltered);
        Assert.Equal(1, report.TotalBreaks); // the edit damages that record only; the chain around it holds
        Assert.Equal(20, report.LastCheckpointSequence);
    }

    [Fact]
    public async Task A_deleted_record_is_reported_as_missing()
    {
        Assert.Equal(1, await _db.ExecuteAsync("DELETE FROM audit_records WHERE sequence = 7"));
        var report = await VerifyAsync();
        AssertFirstBreak(report, 7, AuditBreakKind.RecordsMissing);
        Assert.Equal(1, report.TotalBreaks);
        Assert.Contains("record 7 is missing", report.FirstBreak!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_records_under_a_checkpoint_are_reported_once_as_missing()
    {
        Assert.Equal(3, await _db.ExecuteAsync("DELETE FROM audit_records WHERE sequence BETWEEN 9 AND 11"));
        var report = await VerifyAsync();
        AssertFirstBreak(report, 9, AuditBreakKind.RecordsMissing);
        Assert.Equal(1, report.TotalBreaks);
        Assert.Contains("records 9 to 11 are missing", report.FirstBreak!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_record_with_the_rest_renumbered_breaks_the_chain()
    {
        await _db.ExecuteAsync("""
            DELETE FROM audit_records WHERE sequence = 7;
            DELETE FROM audit_record_subjects WHERE record_sequence = 7;
            UPDATE audit_records SET sequence = sequence + 1000 WHERE sequence > 7;
            UPDATE audit_records SET sequence = sequence - 1001 WHERE sequence > 1000;
            UPDATE audit_record_subjects SET record_sequence = record_sequence + 1000 WHERE record_sequence > 7;
            UPDATE audit_record_subjects SET record_sequence = record_sequence - 1001 WHERE record_sequence > 1000;
            """);
        var report = await VerifyAsync();
        AssertFirstBreak(report, 7, AuditBreakKind.ChainBroken);
        Assert.Equal(Records - 1, report.LastSequence);
        Assert.Contains(report.Breaks, b => b.Kind == AuditBreakKind.CheckpointMismatch && b.Sequence == 10);
        Assert.Contains(report.Breaks, b => b.Kind == AuditBreakKind.CheckpointMismatch && b.Sequence == 20);
    }

    [Fact]
    public async Task Two_swapped_records_are_reported_as_reordered()
    {
        await _db.ExecuteAsync("""
            UPDATE audit_records SET sequence = -1 WHERE sequence = 7;
            UPDATE audit_records SET sequence = 7 WHERE sequence = 8;
            UPDATE audit_records SET sequence = 8 WHERE sequence = -1;
            UPDATE audit_record_subjects SET record_sequence = -1 WHERE record_sequence = 7;
            UPDATE audit_record_subjects SET record_sequence = 7 WHERE record_sequence = 8;
            UPDATE audit_record_subjects SET record_sequence = 8 WHERE record_sequence = -1;
            """);
        var report = await VerifyAsync();
        AssertFirstBreak(report, 7, AuditBreakKind.Reordered);
        Assert.All(report.Breaks, b => Assert.InRange(b.Sequence, 7, 9)); // the damage is local to the swap
        Assert.Contains(report.Breaks, b => b.Sequence == 8 && b.Kind == AuditBreakKind.Reordered);
    }

    [Fact]
    public async Task A_tail_cut_off_before_the_last_checkpoint_is_reported_as_truncated()
    {
        Assert.Equal(10, await _db.ExecuteAsync("DELETE FROM audit_records WHERE sequence > 15"));
        var report = await VerifyAsync();
        AssertFirstBreak(report, 16, AuditBreakKind.TruncatedTail);
        Assert.Equal(1, report.TotalBreaks);
        Assert.Equal(15, report.LastSequence);
        Assert.Contains("covers records up to 20", report.FirstBreak!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tail_cut_off_after_the_last_checkpoint_is_invisible_so_the_report_says_how_much_is_exposed()
    {
        // The limit of any hash chain without an outside anchor: what no signature covers can be cut off whole.
        await _db.ExecuteAsync("DELETE FROM audit_records WHERE sequence > 20; DELETE FROM audit_record_subjects WHERE record_sequence > 20");
        var report = await VerifyAsync();
        Assert.True(report.IsValid, report.ToString());
        Assert.Equal(20, report.LastSequence);
        Assert.Equal(0, report.UncheckpointedRecords);

        // An on-demand checkpoint closes that window: cutting off the tail after it is then detected.
        await _log.AppendAsync(SampleEvents.Event(100));
        Assert.Equal(1, (await VerifyAsync()).UncheckpointedRecords);
        Assert.Equal(21, (await _log.CheckpointAsync())!.Sequence);
        await _db.ExecuteAsync("DELETE FROM audit_records WHERE sequence = 21");
        AssertFirstBreak(await VerifyAsync(), 21, AuditBreakKind.TruncatedTail);
    }

    [Fact]
    public async Task A_checkpoint_with_a_forged_signature_is_reported()
    {
        Assert.Equal(1, await _db.ExecuteAsync("UPDATE audit_checkpoints SET signature = randomblob(64) WHERE sequence = 10"));
        var report = await VerifyAsync();
        AssertFirstBreak(report, 10, AuditBreakKind.CheckpointSignatureInvalid);
        Assert.Equal(1, report.TotalBreaks);
        Assert.Equal(20, report.LastCheckpointSequence);
    }

    [Fact]
    public async Task A_checkpoint_whose_signed_fields_were_edited_is_reported()
    {
        Assert.Equal(1, await _db.ExecuteAsync("UPDATE audit_checkpoints SET timestamp_us = timestamp_us + 1 WHERE sequence = 20"));
        AssertFirstBreak(await VerifyAsync(), 20, AuditBreakKind.CheckpointSignatureInvalid);
    }

    [Fact]
    public async Task A_chain_rewritten_and_re_hashed_after_an_edit_is_caught_by_the_next_checkpoint()
    {
        // The attacker edits record 5 and recomputes every hash from there on, so every link holds…
        var records = new List<AuditRecord>();
        for (long s = 1; s <= Records; s++)
        {
            records.Add((await _log.GetAsync(s))!);
        }

        byte[] previous = records[3].RecordHash;
        for (int i = 4; i < Records; i++)
        {
            AuditRecord r = records[i];
            string actor = i == 4 ? "user:mallory" : r.Actor;
            byte[] hash = ChainHashing.RecordHash(r.Sequence, AuditTime.ToMicroseconds(r.Timestamp), r.EventType, actor, r.Subjects, r.PropertiesJson, previous);
            await _db.ExecuteAsync("UPDATE audit_records SET actor = $a, previous_hash = $p, record_hash = $h WHERE sequence = $s",
                ("$a", actor), ("$p", previous), ("$h", hash), ("$s", r.Sequence));
            previous = hash;
        }

        // …but the signed checkpoints at 10 and 20 still name the old chain hashes.
        var report = await VerifyAsync();
        AssertFirstBreak(report, 10, AuditBreakKind.CheckpointMismatch);
        Assert.Equal([10L, 20], report.Breaks.Select(b => b.Sequence));
        Assert.Null(report.LastCheckpointSequence);

        // Re-signing the checkpoints with the attacker's own key does not help: they no longer verify.
        using var mallory = AuditSigningKey.Generate();
        foreach (AuditCheckpoint c in await _log.GetCheckpointsAsync())
        {
            byte[] chainHash = ChainHashing.RecordHash((await _log.GetAsync(c.Sequence))!);
            var forged = new AuditCheckpoint
            {
                Sequence = c.Sequence, ChainHash = chainHash, Timestamp = c.Timestamp, KeyId = _key.KeyId, Signature = [],
                PreviousSequence = c.PreviousSequence, PreviousDigest = c.PreviousDigest, Policy = c.Policy,
            };
            byte[] signature = mallory.Sign(ChainHashing.CheckpointMessage(forged));
            await _db.ExecuteAsync("UPDATE audit_checkpoints SET chain_hash = $c, signature = $g WHERE sequence = $s",
                ("$c", chainHash), ("$g", signature), ("$s", c.Sequence));
        }

        report = await VerifyAsync();
        AssertFirstBreak(report, 10, AuditBreakKind.CheckpointSignatureInvalid);
        Assert.All(report.Breaks, b => Assert.Equal(AuditBreakKind.CheckpointSignatureInvalid, b.Kind));
    }

    [Fact]
    public async Task A_checkpoint_claiming_another_key_is_reported()
    {
        await _db.ExecuteAsync("UPDATE audit_checkpoints SET key_id = '00000000000000000000000000000000' WHERE sequence = 10");
        var report = await VerifyAsync();
        AssertFirstBreak(report, 10, AuditBreakKind.CheckpointSignatureInvalid);
        Assert.Contains("not by the audit key", report.FirstBreak!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_under_the_wrong_public_key_rejects_every_checkpoint()
    {
        using var other = AuditSigningKey.Generate();
        var report = await AuditVerifier.VerifyAsync(_db.Database, other.PublicKey);
        Assert.Equal([10L, 20], report.Breaks.Select(b => b.Sequence));
        Assert.All(report.Breaks, b => Assert.Equal(AuditBreakKind.CheckpointSignatureInvalid, b.Kind));
    }
}
