namespace Imguard.Audit.Ledger;

/// <summary>Settings of the <see cref="AuditLog"/>, validated when the log is made.</summary>
public sealed class AuditLogOptions
{
    /// <summary>A signed checkpoint is written after every this many records (in the same transaction as the record).</summary>
    public int CheckpointInterval { get; set; } = 1000;

    /// <summary>Throws if a setting is out of range.</summary>
    public void Validate()
    {
        if (CheckpointInterval < 1)
        {
            throw AuditError.OutOfRange(nameof(CheckpointInterval), $"The checkpoint interval must be at least 1 record; it is {CheckpointInterval}.");
        }
    }
}
