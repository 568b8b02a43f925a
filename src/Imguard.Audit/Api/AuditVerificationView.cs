using Imguard.Audit.Verification;

namespace Imguard.Audit.Api;

/// <summary>
/// The verifier's report as JSON: valid or the first breaks, with kinds and sequence numbers; the signing policy the
/// uncovered records were held to, and how many trusted checkpoint copies (anchors) were compared.
/// </summary>
public sealed record AuditVerificationView(
    bool Valid, long RecordCount, long LastSequence, int CheckpointCount, long? LastCheckpointSequence,
    long UncheckpointedRecords, int TotalBreaks, IReadOnlyList<AuditBreakView> Breaks, int CheckpointInterval,
    double CheckpointPeriodSeconds, int Anchors)
{
    public static AuditVerificationView From(AuditVerificationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new AuditVerificationView(report.IsValid, report.RecordCount, report.LastSequence, report.CheckpointCount,
            report.LastCheckpointSequence, report.UncheckpointedRecords, report.TotalBreaks,
            [.. report.Breaks.Select(b => new AuditBreakView(b.Sequence, b.Kind.ToString(), b.Description))],
            report.Policy.Interval, report.Policy.Period.TotalSeconds, report.AnchorCount);
    }
}
