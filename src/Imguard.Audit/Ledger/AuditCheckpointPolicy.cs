namespace Imguard.Audit.Ledger;

/// <summary>
/// When the audit server signs checkpoints, as each checkpoint states it (signed): at most <see cref="Interval"/>
/// records after the previous checkpoint, within <see cref="Period"/> of the first record after it while records
/// arrive, and at shutdown. The verifier holds the log to the policy of its last checkpoint, so the records no
/// signature covers yet are bounded: fewer than <see cref="Interval"/>, none older than about <see cref="Period"/>
/// while the server runs, none at all once it has stopped cleanly.
/// </summary>
/// <param name="Interval">Records: a checkpoint is signed at the latest this many records after the previous one.</param>
/// <param name="Period">Time: while records arrive, a checkpoint is signed at the latest this long after the first uncovered one.</param>
public sealed record AuditCheckpointPolicy(int Interval, TimeSpan Period)
{
    /// <summary>The server's defaults: every 1000 records, every minute.</summary>
    public static AuditCheckpointPolicy Default { get; } = new(1000, TimeSpan.FromMinutes(1));

    internal long PeriodMicroseconds => Period.Ticks / TimeSpan.TicksPerMicrosecond;

    internal static AuditCheckpointPolicy FromSigned(int interval, long periodMicroseconds) =>
        new(interval, TimeSpan.FromTicks(periodMicroseconds * TimeSpan.TicksPerMicrosecond));

    public override string ToString() =>
        $"a checkpoint every {Interval} records and every {Describe(Period)} while records arrive, and at shutdown";

    internal static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 && span.Milliseconds == 0
            ? span.TotalMinutes == 1 ? "minute" : $"{span.TotalMinutes:0} minutes"
            : span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMilliseconds:0} ms";
}
