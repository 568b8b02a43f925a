using Microsoft.Extensions.Configuration;

namespace Imguard.Party.Jobs;

/// <summary>
/// How a party runs jobs; validated by <see cref="JobRunner"/>. <c>imguard party</c> reads them from configuration
/// section <see cref="Section"/> (e.g. environment <c>Party__Jobs__PeerTimeout=00:00:05</c>).
/// </summary>
public sealed record JobRunnerOptions
{
    /// <summary>The configuration section a party server reads these options from (<see cref="From"/>).</summary>
    public const string Section = "Party:Jobs";

    /// <summary>
    /// How long to wait for the other party on the peer link once the dealer has said that both parties joined the
    /// attempt; past it the attempt counts as interrupted (one of <see cref="MaxResumes"/>).
    /// </summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a party waits, within one attempt, for the other party to join it at the dealer, and for an unreachable
    /// platform to answer, before the job fails. Waiting spends no attempt: a party down for minutes (a restart, a
    /// reboot) finds the other waiting in the same attempt when it comes back.
    /// </summary>
    public TimeSpan WaitLimit { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// New attempts within one run of this process after an attempt both parties had joined was interrupted (a lost peer
    /// link or dealer, the other party restarted, no peer link within <see cref="PeerTimeout"/>), before the job fails.
    /// </summary>
    public int MaxResumes { get; init; } = 3;

    /// <summary>
    /// Wait before a new attempt after an interruption, and before asking an unreachable platform again, doubled each
    /// time up to <see cref="MaxResumeDelay"/>.
    /// </summary>
    public TimeSpan ResumeDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts or two tries to reach the platform.</summary>
    public TimeSpan MaxResumeDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Least time between two progress reports (the last step of each epoch is always reported).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Threads of this party's local kernels (-1: all cores).</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Fetch a step's dealer items in the background once steps of its kind have shown their sequence (see <see cref="RemoteDealerFeed"/>).</summary>
    public bool Prefetch { get; init; } = true;

    /// <summary>Test images per secure evaluation batch.</summary>
    public int EvaluationBatchSize { get; init; } = 256;

    /// <summary>
    /// The options from configuration section <see cref="Section"/> (environment <c>Party__Jobs__PeerTimeout=00:00:05</c>),
    /// the defaults where a key is not set.
    /// </summary>
    public static JobRunnerOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new JobRunnerOptions();
        configuration.GetSection(Section).Bind(options);
        return options;
    }

    /// <summary>
    /// The wait before the (<paramref name="tries"/> + 1)-th new attempt or try to reach the platform:
    /// <see cref="ResumeDelay"/> doubled each time, at most <see cref="MaxResumeDelay"/>. No jitter: two parties
    /// are not a crowd, and the dealer serialises their joins anyway.
    /// </summary>
    internal TimeSpan Backoff(int tries) =>
        TimeSpan.FromMilliseconds(Math.Min(ResumeDelay.TotalMilliseconds * Math.Pow(2, Math.Min(tries, 30)), MaxResumeDelay.TotalMilliseconds));

    /// <summary><see cref="WaitLimit"/> for people: "60 min", "2 s".</summary>
    internal string WaitLimitText() => WaitLimit.TotalMinutes >= 1 ? $"{WaitLimit.TotalMinutes:0.#} min" : $"{WaitLimit.TotalSeconds:0} s";

    internal void Validate()
    {
        string? bad = PeerTimeout <= TimeSpan.Zero ? nameof(PeerTimeout)
            : WaitLimit <= TimeSpan.Zero ? nameof(WaitLimit)
            : MaxResumes < 0 ? nameof(MaxResumes)
            : ResumeDelay < TimeSpan.Zero ? nameof(ResumeDelay)
            : MaxResumeDelay < ResumeDelay ? nameof(MaxResumeDelay)
            : ProgressInterval < TimeSpan.Zero ? nameof(ProgressInterval)
            : EvaluationBatchSize < 1 ? nameof(EvaluationBatchSize)
            : MaxDegreeOfParallelism is 0 or < -1 ? nameof(MaxDegreeOfParallelism)
            : null;
        if (bad is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(JobRunnerOptions), $"Job runner option {Section}:{bad} is out of range.");
        }
    }
}
