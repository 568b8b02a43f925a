using System.Text;

namespace Imguard.Audit.Verification;

/// <summary>
/// What <see cref="AuditVerifier"/> found. <see cref="IsValid"/> when there is no break. The records after the
/// last valid checkpoint (<see cref="UncheckpointedRecords"/>) are protected by the hash chain and the signing
/// policy only (<see cref="Policy"/>: fewer than its interval, none older than its period while the server runs):
/// within that bound, changing or cutting them off is not detectable from the log itself.
/// </summary>
public sealed class AuditVerificationReport
{
    internal AuditVerificationReport(
        long recordCount, long lastSequence, int checkpointCount, long? lastCheckpointSequence,
        IReadOnlyList<AuditBreak> breaks, int totalBreaks, Ledger.AuditCheckpointPolicy policy, int anchorCount)
    {
        Policy = policy;
        AnchorCount = anchorCount;
        RecordCount = recordCount;
        LastSequence = lastSequence;
        CheckpointCount = checkpointCount;
        LastCheckpointSequence = lastCheckpointSequence;
        Breaks = breaks;
        TotalBreaks = totalBreaks;
    }

    /// <summary>True when the chain and every checkpoint check out.</summary>
    public bool IsValid => TotalBreaks == 0;

    /// <summary>How many records were read.</summary>
    public long RecordCount { get; }

    /// <summary>The sequence number of the last record read (0 for an empty log).</summary>
    public long LastSequence { get; }

    /// <summary>How many checkpoints were read.</summary>
    public int CheckpointCount { get; }

    /// <summary>The last checkpoint whose signature and chain hash both check out, if any.</summary>
    public long? LastCheckpointSequence { get; }

    /// <summary>Records after <see cref="LastCheckpointSequence"/>: covered by the hash chain, not yet by a signature.</summary>
    public long UncheckpointedRecords => LastSequence - (LastCheckpointSequence ?? 0);

    /// <summary>The signing policy the records after the last checkpoint were held to: that checkpoint's, or the configured one.</summary>
    public Ledger.AuditCheckpointPolicy Policy { get; }

    /// <summary>How many trusted checkpoint copies (anchors) the log was compared with.</summary>
    public int AnchorCount { get; }

    /// <summary>The breaks found, in sequence order (at most <see cref="AuditVerifier.MaxReportedBreaks"/>).</summary>
    public IReadOnlyList<AuditBreak> Breaks { get; }

    /// <summary>How many breaks there were, including any not listed.</summary>
    public int TotalBreaks { get; }

    /// <summary>The first broken place, or null when the log is intact.</summary>
    public AuditBreak? FirstBreak => Breaks.Count > 0 ? Breaks[0] : null;

    public override string ToString()
    {
        var text = new StringBuilder();
        // The verdict, once: `imguard audit verify` prints this line as it is.
        text.Append(IsValid ? "audit log intact: " : "AUDIT LOG TAMPERED: ");
        text.Append($"{Count(RecordCount, "record")}, {Count(CheckpointCount, "checkpoint")}, ");
        text.Append(LastCheckpointSequence is { } last
            ? $"last valid checkpoint at record {last} ({Count(UncheckpointedRecords, "record")} after it {(UncheckpointedRecords == 1 ? "is" : "are")} covered by the hash chain only)"
            : $"no valid checkpoint ({(RecordCount == 1 ? "the 1 record is" : $"all {RecordCount} records are")} covered by the hash chain only)");
        text.Append(AnchorCount switch
        {
            0 => "; no trusted checkpoint copy given",
            1 => "; compared with 1 trusted checkpoint copy",
            _ => $"; compared with {AnchorCount} trusted checkpoint copies",
        });
        foreach (AuditBreak b in Breaks)
        {
            text.AppendLine().Append("  ").Append(b);
        }

        if (TotalBreaks > Breaks.Count)
        {
            text.AppendLine().Append($"  … and {TotalBreaks - Breaks.Count} more");
        }

        return text.ToString();
    }

    private static string Count(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
