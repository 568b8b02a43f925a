using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;
using Imguard.Audit.Storage;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Audit.Verification;

/// <summary>
/// Checks an audit log end to end: every record's hash against its fields, every link against the previous
/// record's hash, sequence numbers for gaps and disorder, every checkpoint's signature under the audit server's
/// public key, and every checkpoint's chain hash against the record it covers. Detects edited, deleted, inserted
/// and reordered records, a rewritten chain (by its checkpoints), a tail cut off before the last checkpoint, and
/// forged checkpoints. It cannot see records cut off after the last checkpoint (see
/// <see cref="AuditVerificationReport.UncheckpointedRecords"/>), nor a log rolled back together with its
/// checkpoints: for that, keep the latest checkpoint somewhere else too and compare.
/// </summary>
public static class AuditVerifier
{
    /// <summary>The most breaks a report lists (it still counts them all).</summary>
    public const int MaxReportedBreaks = 100;

    // Records read per round trip while walking a database.
    private const int BatchSize = 1000;

    /// <summary>Verifies records (in stored order) and checkpoints from any source, e.g. an export.</summary>
    public static AuditVerificationReport Verify(IEnumerable<AuditRecord> records, IEnumerable<AuditCheckpoint> checkpoints, AuditVerificationKey key)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(key);
        var walker = new ChainWalker(checkpoints, key);
        foreach (AuditRecord record in records)
        {
            walker.Add(record);
        }

        return walker.Finish();
    }

    /// <summary>Verifies the log in a database, reading it in batches in sequence order.</summary>
    public static async Task<AuditVerificationReport> VerifyAsync(AuditDatabase database, AuditVerificationKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(key);
        await using AuditDbContext db = database.CreateContext();

        // Checkpoints first: every checkpoint read then refers to a record that is already stored.
        var checkpoints = await db.Checkpoints.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync(cancellationToken);
        var walker = new ChainWalker(checkpoints.Select(c => c.ToCheckpoint()), key);
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
