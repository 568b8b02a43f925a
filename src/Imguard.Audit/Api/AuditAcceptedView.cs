namespace Imguard.Audit.Api;

/// <summary>
/// What the audit server answers to a batch: how many records it appended, the last sequence number it appended (0
/// when none), and how many events it had already appended from the same sender under the same id (acknowledged, not
/// appended again).
/// </summary>
public sealed record AuditAcceptedView(int Accepted, long LastSequence, int Duplicates = 0);
