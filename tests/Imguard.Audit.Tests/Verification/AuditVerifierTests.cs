using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;
using Imguard.Audit.Verification;
using Imguard.Contracts.Audit;

namespace Imguard.Audit.Tests.Verification;

/// <summary>The verifier over records and checkpoints from any source (an export), without a database.</summary>
public sealed class AuditVerifierTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // Verified as if just after the records were written: their age is not what these tests are about.
    private static readonly AuditVerificationOptions AtTheTime = new() { Now = Start.AddSeconds(30) };

    /// <summary>A valid chain of n records, signed checkpoints every <paramref name="interval"/> records.</summary>
    private static (List<AuditRecord> Records, List<AuditCheckpoint> Checkpoints) Chain(int n, int interval, AuditSigningKey key)
    {
        var records = new List<AuditRecord>();
        var checkpoints = new List<AuditCheckpoint>();
        byte[] previous = new byte[32];
        for (int s = 1; s <= n; s++)
        {
            long ts = AuditTime.ToMicroseconds(Start.AddSeconds(s));
            string[] subjects = [$"item:{s}"];
            byte[] hash = ChainHashing.RecordHash(s, ts, "job.step", "party:0", subjects, "{}", previous);
            records.Add(new AuditRecord
            {
                Sequence = s, Timestamp = AuditTime.FromMicroseconds(ts), EventType = "job.step", Actor = "party:0",
                Subjects = subjects, PropertiesJson = "{}", PreviousHash = previous, RecordHash = hash,
            });
            if (s % interval == 0)
            {
                checkpoints.Add(new AuditCheckpoint
                {
                    Sequence = s, ChainHash = hash, Timestamp = AuditTime.FromMicroseconds(ts), KeyId = key.KeyId,
                    Signature = key.Sign(AuditCheckpointEncoding.SignedBytes(s, hash, ts, key.KeyId)),
                });
            }

            previous = hash;
        }

        return (records, checkpoints);
    }

    [Fact]
    public void An_empty_log_is_valid()
    {
        using var key = AuditSigningKey.Generate();
        var report = AuditVerifier.Verify([], [], key.PublicKey, AtTheTime);
        Assert.True(report.IsValid);
        Assert.Equal(0, report.RecordCount);
        Assert.Equal(0, report.LastSequence);
        Assert.Null(report.LastCheckpointSequence);
    }

    [Fact]
    public void A_valid_export_verifies()
    {
        using var key = AuditSigningKey.Generate();
        var (records, checkpoints) = Chain(12, 5, key);
        var report = AuditVerifier.Verify(records, checkpoints, key.PublicKey, AtTheTime);
        Assert.True(report.IsValid, report.ToString());
        Assert.Equal(10, report.LastCheckpointSequence);
        Assert.Equal(2, report.UncheckpointedRecords);
    }

    [Fact]
    public void Records_out_of_order_in_an_export_are_reported_as_reordered_not_missing()
    {
        using var key = AuditSigningKey.Generate();
        var (records, checkpoints) = Chain(8, 100, key);
        (records[3], records[4]) = (records[4], records[3]); // 1 2 3 5 4 6 7 8
        var report = AuditVerifier.Verify(records, checkpoints, key.PublicKey, AtTheTime);
        Assert.Equal(AuditBreakKind.Reordered, report.FirstBreak!.Kind);
        Assert.Equal(4, report.FirstBreak.Sequence);
        Assert.DoesNotContain(report.Breaks, b => b.Kind == AuditBreakKind.RecordsMissing);
    }

    [Fact]
    public void A_log_without_its_first_record_is_reported_as_missing_it()
    {
        using var key = AuditSigningKey.Generate();
        var (records, _) = Chain(3, 100, key);
        var report = AuditVerifier.Verify(records.Skip(1), [], key.PublicKey, AtTheTime);
        Assert.Equal(AuditBreakKind.RecordsMissing, report.FirstBreak!.Kind);
        Assert.Equal(1, report.FirstBreak.Sequence);
        Assert.Equal(1, report.TotalBreaks);
    }

    [Fact]
    public void A_first_record_that_does_not_link_to_the_genesis_hash_breaks_the_chain()
    {
        using var key = AuditSigningKey.Generate();
        var (records, _) = Chain(3, 100, key);
        byte[] previous = new byte[32];
        previous[0] = 1;
        AuditRecord r = records[0];
        records[0] = new AuditRecord
        {
            Sequence = 1, Timestamp = r.Timestamp, EventType = r.EventType, Actor = r.Actor, Subjects = r.Subjects,
            PropertiesJson = r.PropertiesJson, PreviousHash = previous,
            RecordHash = ChainHashing.RecordHash(1, AuditTime.ToMicroseconds(r.Timestamp), r.EventType, r.Actor, r.Subjects, r.PropertiesJson, previous),
        };
        var report = AuditVerifier.Verify(records, [], key.PublicKey, AtTheTime);
        Assert.Equal(new AuditBreak(1, AuditBreakKind.ChainBroken, report.FirstBreak!.Description), report.FirstBreak);
    }

    [Fact]
    public void A_report_lists_at_most_the_maximum_number_of_breaks_but_counts_them_all()
    {
        using var key = AuditSigningKey.Generate();
        var (records, _) = Chain(250, 1000, key);
        var altered = records.Select(r => new AuditRecord
        {
            Sequence = r.Sequence, Timestamp = r.Timestamp, EventType = r.EventType, Actor = "user:mallory",
            Subjects = r.Subjects, PropertiesJson = r.PropertiesJson, PreviousHash = r.PreviousHash, RecordHash = r.RecordHash,
        });
        var report = AuditVerifier.Verify(altered, [], key.PublicKey, AtTheTime);
        Assert.Equal(AuditVerifier.MaxReportedBreaks, report.Breaks.Count);
        Assert.Equal(250, report.TotalBreaks);
        Assert.All(report.Breaks, b => Assert.Equal(AuditBreakKind.RecordAltered, b.Kind));
        Assert.Contains("and 150 more", report.ToString(), StringComparison.Ordinal);
    }
}
