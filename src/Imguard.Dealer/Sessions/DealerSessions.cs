using Imguard.Contracts.Audit;
using Imguard.Dealer.Training;
using Imguard.Learning.Training;
using Imguard.ServiceDefaults.Audit;
using Microsoft.Extensions.Logging;

namespace Imguard.Dealer.Sessions;

/// <summary>
/// The platform's dealer: one <see cref="DealerSession"/> per job (its latest attempt), created when the first party
/// joins. Joining (<see cref="Join"/>) is how both parties agree on an attempt number: a party asks for any attempt
/// from <c>minAttempt</c> up; if the job's live session is at least that, unbroken, and this party has not joined it,
/// it joins it; otherwise a new session (attempt = max(minAttempt, live + 1), fresh seeds) replaces the live one. The
/// second party to ask therefore joins the attempt the first one made. A party whose peer has not joined yet waits in
/// its attempt (<see cref="WaitAsync"/>, a long poll) instead of asking again; it learns at once when the other joins or
/// when the attempt is replaced, and then joins the live one (the argument that this converges is in
/// docs/ARCHITECTURE.md, "Attempts and resume"). Sessions end when the job ends
/// (<see cref="EndJob"/>), when replaced, or when the platform stops; at most <see cref="DealerSessionsOptions.MaxLiveSessions"/>
/// live at once. Usage (counts and sizes) goes to the audit log as <c>randomness.issued</c>.
/// </summary>
public sealed class DealerSessions : IDisposable
{
    private readonly IDealerJobCatalog _catalog;
    private readonly AuditClient? _audit;
    private readonly ILogger? _logger;
    private readonly DealerSessionsOptions _options;
    private readonly object _gate = new();
    private readonly Dictionary<string, DealerSession> _live = new(StringComparer.Ordinal);
    private readonly DealerQueueMetrics _queueMetrics;

    public DealerSessions(IDealerJobCatalog catalog, AuditClient? audit = null, ILogger<DealerSessions>? logger = null, DealerSessionsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _audit = audit;
        _logger = logger;
        _options = options ?? new DealerSessionsOptions();
        _options.Validate();
        _queueMetrics = new DealerQueueMetrics(this);
    }

    /// <summary>Jobs with a live session.</summary>
    public int LiveCount
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>The live sessions now (for the dealer's metrics).</summary>
    internal DealerSession[] LiveSessions()
    {
        lock (_gate)
        {
            return [.. _live.Values];
        }
    }

    /// <summary>The jobs with a live session, for a dealer that learns of a job's end by asking (<see cref="Server.DealerSessionSweeper"/>).</summary>
    public IReadOnlyList<string> LiveJobIds()
    {
        lock (_gate)
        {
            return [.. _live.Keys];
        }
    }

    /// <summary>Party <paramref name="partyId"/> joins an attempt ≥ <paramref name="minAttempt"/> of the job and takes its seeds.</summary>
    public async Task<(DealerSession Session, Mpc.Randomness.Seed JobSeed, Mpc.Randomness.Seed RandomnessSeed)> Join(
        string jobId, int partyId, int minAttempt, CancellationToken cancellationToken)
    {
        CheckParty(partyId);
        if (minAttempt < 0)
        {
            throw new DealerException(DealerErrorKind.Invalid, "The attempt number cannot be negative.");
        }
        DealerJob job = await _catalog.GetAsync(jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new DealerException(DealerErrorKind.NotFound, $"Job '{jobId}' is unknown or over.");
        if (!string.Equals(job.Description.JobId, jobId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The job catalog returned another job than the one asked for.");
        }
        DealerSession? replaced = null;
        DealerSession session;
        lock (_gate)
        {
            _live.TryGetValue(jobId, out DealerSession? live);
            if (live is not null && live.Attempt >= minAttempt && !live.HasJoined(partyId) && live.BrokenReason is null)
            {
                session = live;
            }
            else
            {
                if (live is null && _live.Count >= _options.MaxLiveSessions)
                {
                    throw new DealerException(DealerErrorKind.Busy, $"The dealer serves {_options.MaxLiveSessions} jobs at once; try again later.");
                }
                int attempt = Math.Max(minAttempt, live is null ? 0 : live.Attempt + 1);
                session = new DealerSession(job, attempt, CreateTrainingDealer(job), _options, Report);
                _live[jobId] = session;
                replaced = live;
            }
        }
        replaced?.Dispose();
        var (jobSeed, randomnessSeed) = session.TakeSeeds(partyId);
        _logger?.LogInformation("Party {Party} joined attempt {Attempt} of job {Job}.", partyId, session.Attempt, jobId);
        return (session, jobSeed, randomnessSeed);
    }

    /// <summary>
    /// The live session of attempt <paramref name="attempt"/>; <see cref="DealerErrorKind.Gone"/> if it is not the job's
    /// live attempt (replaced, ended, or lost with a restart of the platform): the party then joins again, and the join
    /// says whether the job is over.
    /// </summary>
    public DealerSession Get(string jobId, int attempt)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(jobId, out DealerSession? live))
            {
                if (live.Attempt == attempt)
                {
                    return live;
                }
                throw new DealerException(DealerErrorKind.Gone, attempt < live.Attempt
                    ? $"Attempt {attempt} of job '{jobId}' was replaced by attempt {live.Attempt}."
                    : $"Job '{jobId}' has no attempt {attempt} at the dealer; its live attempt is {live.Attempt}.")
                {
                    LiveAttempt = live.Attempt,
                };
            }
            throw new DealerException(DealerErrorKind.Gone, $"Job '{jobId}' has no live attempt at the dealer (it ended, or the platform restarted).");
        }
    }

    /// <summary>
    /// Party <paramref name="partyId"/>, which joined attempt <paramref name="attempt"/>, waits at the dealer (a long
    /// poll of at most <see cref="DealerSessionsOptions.MaxWait"/>) for what <paramref name="wait"/> names (see
    /// <see cref="DealerSession.WaitAsync"/>); returns whether the other party has joined the attempt.
    /// </summary>
    public async Task<bool> WaitAsync(string jobId, int attempt, int partyId, string wait, CancellationToken cancellationToken)
    {
        CheckParty(partyId);
        DealerSession session = Get(jobId, attempt);
        try
        {
            return await session.WaitAsync(partyId, wait, _options.MaxWait, cancellationToken).ConfigureAwait(false);
        }
        catch (DealerException e) when (e.Kind == DealerErrorKind.Gone)
        {
            Get(jobId, attempt); // ended while waiting: say which attempt replaced it, if one did
            throw;
        }
    }

    /// <summary>Ends the job's session (the job succeeded, failed or was cancelled): its held items are wiped, final usage audited.</summary>
    public void EndJob(string jobId)
    {
        DealerSession? session;
        lock (_gate)
        {
            _live.Remove(jobId, out session);
        }
        session?.Dispose();
    }

    private TrainingDealer CreateTrainingDealer(DealerJob job)
    {
        if (_options.TrainingDealerFactory is { } factory)
        {
            return factory(job);
        }
        try
        {
            return new TrainingDealer(JobTraining.Spec(job.Description), JobTraining.Options(job.Description), job.TrainingCount, JobTraining.Format(job.Description),
                testCount: job.TestCount);
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or InvalidDataException)
        {
            throw new DealerException(DealerErrorKind.Invalid, $"Job '{job.Description.JobId}' cannot be dealt for: {e.Message}");
        }
    }

    private void Report(DealerUsage usage)
    {
        _options.UsageReported?.Invoke(usage);
        var facts = new Dictionary<string, object>
        {
            ["attempt"] = usage.Attempt,
            ["party0Items"] = usage.Party0Items,
            ["party0Words"] = usage.Party0Words,
            ["party1Items"] = usage.Party1Items,
            ["party1Words"] = usage.Party1Words,
            ["party1DealtWords"] = usage.Party1DealtWords,
            ["final"] = usage.Final,
        };
        if (usage.Epoch is { } epoch)
        {
            facts["epoch"] = epoch;
        }
        _audit?.Emit(AuditEventTypes.RandomnessIssued, _options.AuditActor, [$"job:{usage.JobId}"], facts);
    }

    private static void CheckParty(int partyId)
    {
        if (partyId is not (0 or 1))
        {
            throw new DealerException(DealerErrorKind.Forbidden, "Only party 0 and party 1 talk to the dealer.");
        }
    }

    public void Dispose()
    {
        _queueMetrics.Dispose();
        DealerSession[] sessions;
        lock (_gate)
        {
            sessions = [.. _live.Values];
            _live.Clear();
        }
        foreach (DealerSession session in sessions)
        {
            session.Dispose();
        }
    }
}
