namespace Imguard.Audit.Ledger;

/// <summary>
/// What <see cref="AuditLog.AppendOnceAsync"/> did: appended <see cref="Record"/>, or found that the same delivery
/// had been appended before (<see cref="Duplicate"/>) and returned that earlier record unchanged.
/// </summary>
public sealed record AuditAppendResult(AuditRecord Record, bool Duplicate);
