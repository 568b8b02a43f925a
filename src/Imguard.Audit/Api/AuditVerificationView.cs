using Imguard.Audit.Verification;

namespace Imguard.Audit.Api;

/// <summary>The verifier's report as JSON: valid or the first breaks, with kinds and sequence numbers.</summary>
public sealed record AuditVerificationView(
    bool Valid, long RecordCount, long LastSequence, int CheckpointCount, long? LastCheckpointSequence,
    long UncheckpointedRecords, int TotalBreaks, IReadOnlyList<AuditBreakView> Breaks)
{
    public static AuditVerificationView From(AuditVerificationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new AuditVerificationView(report.IsValid, report.RecordCount, report.LastSequence, report.CheckpointCount,
            report.LastCheckpointSequence, report.UncheckpointedRecords, report.TotalBreaks,
            [.. report.Breaks.Select(b => new AuditBreakView(b.Sequence, b.Kind.ToString(), b.Description))]);
    }
}
