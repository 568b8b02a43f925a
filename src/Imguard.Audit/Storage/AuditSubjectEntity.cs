namespace Imguard.Audit.Storage;

/// <summary>Row of <c>audit_record_subjects</c>: one subject id of one record, at its position (indexed for queries by subject).</summary>
internal sealed class AuditSubjectEntity
{
    public long RecordSequence { get; set; }

    public int Position { get; set; }

    public string SubjectId { get; set; } = "";
}
