namespace Imguard.Audit.Verification;

/// <summary>One place where the audit log is damaged: the sequence number, what kind of damage, and a sentence for people.</summary>
public sealed record AuditBreak(long Sequence, AuditBreakKind Kind, string Description)
{
    public override string ToString() => $"record {Sequence}: {Kind}: {Description}";
}
