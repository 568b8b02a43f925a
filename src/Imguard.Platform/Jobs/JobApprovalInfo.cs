namespace Imguard.Platform.Jobs;

/// <summary>A stored signature over a job's consent terms: the key, the signature (r ‖ s), who sent it and when.</summary>
public sealed record JobApprovalInfo(byte[] Key, byte[] Signature, Guid UserId, DateTimeOffset SignedAt);
