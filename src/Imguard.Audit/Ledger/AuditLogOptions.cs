namespace Imguard.Audit.Ledger;

/// <summary>Settings of the <see cref="AuditLog"/>, validated when the log is made.</summary>
public sealed class AuditLogOptions
{
    /// <summary>The longest <see cref="CheckpointPeriod"/>.</summary>
    public static readonly TimeSpan MaxCheckpointPeriod = TimeSpan.FromDays(1);

    /// <summary>
    /// A signed checkpoint is written at the latest this many records after the previous one (in the same transaction
    /// as the record).
    /// </summary>
    public int CheckpointInterval { get; set; } = AuditCheckpointPolicy.Default.Interval;

    /// <summary>
    /// While records arrive, a checkpoint is signed this often (<c>Server/AuditCheckpointTimer</c>); every checkpoint
    /// states it, so the verifier knows how old an uncovered record may be.
    /// </summary>
    public TimeSpan CheckpointPeriod { get; set; } = AuditCheckpointPolicy.Default.Period;

    /// <summary>
    /// A file outside the database where the log remembers the last checkpoint it signed (the audit server uses
    /// <c>audit/last-checkpoint.json</c>). The next checkpoint names that one as its predecessor even if the
    /// database no longer holds it, so checkpoints deleted while the server was stopped break the chain at the next
    /// signature instead of being silently continued. Null: the log starts from the database's newest checkpoint.
    /// </summary>
    public string? LastCheckpointPath { get; set; }

    /// <summary>The policy these settings sign into every checkpoint.</summary>
    public AuditCheckpointPolicy Policy => new(CheckpointInterval, CheckpointPeriod);

    /// <summary>Throws if a setting is out of range.</summary>
    public void Validate()
    {
        if (CheckpointInterval < 1)
        {
            throw AuditError.OutOfRange(nameof(CheckpointInterval), $"The checkpoint interval must be at least 1 record; it is {CheckpointInterval}.");
        }

        if (CheckpointPeriod < TimeSpan.FromMilliseconds(1) || CheckpointPeriod > MaxCheckpointPeriod)
        {
            throw AuditError.OutOfRange(nameof(CheckpointPeriod), "The checkpoint period must be between 1 ms and 1 day.");
        }
    }
}
