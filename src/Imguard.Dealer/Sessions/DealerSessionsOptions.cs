using Imguard.Dealer.Training;
using Imguard.Learning.Training;

namespace Imguard.Dealer.Sessions;

/// <summary>Bounds and hooks of <see cref="DealerSessions"/>; validated by its constructor.</summary>
public sealed record DealerSessionsOptions
{
    /// <summary>Jobs with a live session at once (each holds a training dealer and the items one party took and the other not yet).</summary>
    public int MaxLiveSessions { get; init; } = 16;

    /// <summary>Items generated for one party and not yet taken by the other, per session.</summary>
    public int MaxPendingItems { get; init; } = 4096;

    /// <summary>Words held for those items, per session (64 Mi words = 512 MiB).</summary>
    public long MaxPendingWords { get; init; } = 64L << 20;

    /// <summary>
    /// The most words the dealer may hold to generate one item (<see cref="Mpc.Preprocessing.Dealer.WorkWords"/>;
    /// 128 Mi words = 1 GiB). A larger request ends the attempt before anything is generated. The presets need a few
    /// million at most.
    /// </summary>
    public long MaxItemWords { get; init; } = 128L << 20;

    /// <summary>
    /// The longest a party's status request waits at the dealer (<see cref="DealerSessions.WaitAsync"/>) before it is
    /// answered with the state then; the party asks again. Short enough that a proxy or the party's HTTP timeout never
    /// cuts a wait, long enough that a party waiting for its peer makes a request only every few seconds.
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The actor the dealer's <c>randomness.issued</c> audit events name: <c>platform</c> when the platform hosts the
    /// dealer (as always before the dealer could run on its own), <c>dealer</c> for <c>imguard dealer</c>.
    /// </summary>
    public string AuditActor { get; init; } = "platform";

    /// <summary>Tests only: builds the training dealer of a session (fixed initial weights, fixed hiding plans).</summary>
    public Func<DealerJob, TrainingDealer>? TrainingDealerFactory { get; init; }

    /// <summary>Called with every usage report (what goes into the audit event), for tests and metrics.</summary>
    public Action<DealerUsage>? UsageReported { get; init; }

    internal void Validate()
    {
        if (MaxLiveSessions < 1 || MaxPendingItems < 1 || MaxPendingWords < 1 || MaxItemWords < 1 || MaxWait < TimeSpan.Zero || string.IsNullOrWhiteSpace(AuditActor))
        {
            throw new ArgumentOutOfRangeException(nameof(DealerSessionsOptions), "Dealer session bounds must be positive.");
        }
    }
}
