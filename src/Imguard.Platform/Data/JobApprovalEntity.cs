namespace Imguard.Platform.Data;

/// <summary>
/// Row of <c>job_approvals</c>: a signature over the job's consent terms by one of the keys they name (one row per
/// key, by its fingerprint), and the user who sent it.
/// </summary>
internal sealed class JobApprovalEntity
{
    public string JobId { get; set; } = "";

    /// <summary>SHA-256 of <see cref="Key"/>, hex.</summary>
    public string KeyFingerprint { get; set; } = "";

    public byte[] Key { get; set; } = [];

    /// <summary>r ‖ s, 64 bytes.</summary>
    public byte[] Signature { get; set; } = [];

    public Guid UserId { get; set; }

    public DateTimeOffset SignedAt { get; set; }
}
