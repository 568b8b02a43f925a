namespace Imguard.Audit.Api;

/// <summary>One break the verifier found.</summary>
public sealed record AuditBreakView(long Sequence, string Kind, string Description);
