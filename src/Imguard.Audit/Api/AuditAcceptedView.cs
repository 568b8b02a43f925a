namespace Imguard.Audit.Api;

/// <summary>What the audit server answers to a batch: how many records it appended and the last sequence number.</summary>
public sealed record AuditAcceptedView(int Accepted, long LastSequence);
