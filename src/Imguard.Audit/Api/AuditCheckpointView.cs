using Imguard.Audit.Ledger;

namespace Imguard.Audit.Api;

/// <summary>A signed checkpoint as JSON (hashes and signature in hex): what an operator copies off the audit host.</summary>
public sealed record AuditCheckpointView(long Sequence, DateTimeOffset Timestamp, string ChainHash, string KeyId, string Signature)
{
    public static AuditCheckpointView From(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new AuditCheckpointView(checkpoint.Sequence, checkpoint.Timestamp, Convert.ToHexStringLower(checkpoint.ChainHash),
            checkpoint.KeyId, Convert.ToHexStringLower(checkpoint.Signature));
    }
}
