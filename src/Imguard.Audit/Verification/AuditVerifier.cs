using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;
using Imguard.Audit.Storage;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Audit.Verification;

/// <summary>
/// Checks an audit log end to end: every record's hash against its fields, every link against the previous
/// record's hash, sequence numbers for gaps and disorder, every checkpoint's signature under the audit server's
/// public key, the checkpoints as a chain (each names the one before it), every checkpoint's chain hash against the
/// record it covers, the records after the last checkpoint against its signed policy, and the log against trusted
/// checkpoint copies (anchors). Detects edited, deleted, inserted and reordered records, a rewritten chain (by its
/// checkpoints), a tail cut off before the last checkpoint, forged checkpoints, and deleted checkpoints: in the
/// middle (the next one names it), after an edit or at the end (the records after the last one exceed its policy).
/// Without an anchor it cannot see a log cut back to one of its checkpoints together with every checkpoint after
/// it, nor changes to the few records the policy allows to be uncovered (see
/// <see cref="AuditVerificationReport.UncheckpointedRecords"/>); with the newest checkpoint copied off the audit
/// host as an anchor it sees both, up to that checkpoint.
/// </summary>
public static class AuditVerifier
{
    /// <summary>The most breaks a report lists (it still counts them all).</summary>
    public const int MaxReportedBreaks = 100;

    // Records read per round trip while walking a database.
    private const int BatchSize = 1000;

    /// <summary>Verifies records (in stored order) and checkpoints from any source, e.g. an export.</summary>
    public static AuditVerificationReport Verify(
        IEnumerable<AuditRecord> records, IEnumerable<AuditCheckpoint> checkpoints, AuditVerificationKey key, AuditVerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(key);
        var walker = new ChainWalker(checkpoints, key, options ?? new AuditVerificationOptions());
        foreach (AuditRecord record in records)
        {
            walker.Add(record);
        }

        return walker.Finish();
    }

    /// <summary>Verifies the log in a database, reading it in batches in sequence order.</summary>
    public static Task<AuditVerificationReport> VerifyAsync(AuditDatabase database, AuditVerificationKey key, CancellationToken cancellationToken = default) =>
        VerifyAsync(database, key, new AuditVerificationOptions(), cancellationToken);

    /// <summary>Verifies the log in a database with a policy, a time, the server's state and anchors (see <see cref="AuditVerificationOptions"/>).</summary>
    public static async Task<AuditVerificationReport> VerifyAsync(
        AuditDatabase database, AuditVerificationKey key, AuditVerificationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        await using AuditDbContext db = database.CreateContext();

        // Checkpoints first: every checkpoint read then refers to a record that is already stored.
        var checkpoints = await db.Checkpoints.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync(cancellationToken);
        var walker = new ChainWalker(checkpoints.Select(c => c.ToCheckpoint()), key, options);
        long after = long.MinValue;
        while (true)
        {
            long cursor = after;
            var batch = await db.Records.AsNoTracking()
                .Where(r => r.Sequence > cursor)
                .OrderBy(r => r.Sequence)
                .Take(BatchSize)
                .Include(r => r.Subjects)
                .AsSplitQuery()
                .ToListAsync(cancellationToken);
            foreach (AuditRecordEntity row in batch)
            {
                walker.Add(row.ToRecord());
            }

            if (batch.Count < BatchSize)
            {
                return walker.Finish();
            }

            after = batch[^1].Sequence;
        }
    }
}
