using Imguard.Contracts.Files;
using Imguard.Contracts.Jobs;
using Imguard.Party.Jobs.Agreement;
using Imguard.Party.Jobs.Attempts;
using Imguard.Party.Jobs.Queue;
using Imguard.Party.Shares;
using Imguard.ServiceDefaults.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Jobs;

/// <summary>
/// Runs this party's side of training and inference jobs, one at a time (others wait in order): the hosted service
/// that wires the parts and serves the party's job API. The parts: <see cref="JobQueue"/> (the jobs waiting and the one
/// running, and their <c>state.json</c>), <see cref="JobExecution"/> (one job from the queue to its end),
/// <see cref="AttemptLoop"/> (attempts until one completes, within <see cref="JobRunnerOptions.MaxResumes"/>),
/// <see cref="AttemptRendezvous"/> (joining an attempt at the dealer and waiting there for the other party),
/// <see cref="JobAttempt"/> (one attempt: peer link, <see cref="PeerAgreement"/>, training or inference in a session
/// from <see cref="PartySessionFactory"/>) and <see cref="Resume.ResumePolicy"/> (when and from which checkpoint a job
/// resumes). docs/ARCHITECTURE.md, "Attempts and resume", tells the protocol.
/// <para>
/// Cancellation (<see cref="Cancel"/>) stops at the next step or exchange and reports <c>cancelled</c>; any other
/// failure reports <c>failed</c> with a message that names ids, shapes and counts, never a value. Both parties report
/// state; party 0 alone reports progress.
/// </para>
/// </summary>
public sealed class JobRunner : BackgroundService
{
    private readonly JobQueue _queue;
    private readonly JobExecution _execution;
    private readonly JobReporter _reporter;
    private readonly JobRunnerOptions _options;
    private readonly ILogger<JobRunner> _logger;
    private readonly CancellationTokenSource _reporterStop = new();
    private Task _reporting = Task.CompletedTask;

    /// <param name="platform">The party's client to the platform (reports).</param>
    /// <param name="dealer">
    /// The party's client to the dealer, when the deployment runs it as its own service (its URL, the dealer's role
    /// pinned); null: the dealer is on the platform, reached through <paramref name="platform"/>.
    /// </param>
    /// <param name="audit">Where this party's job events go (a start refused for its consent); null: not audited (unit tests).</param>
    public JobRunner(ServiceContext service, ShareStore store, HttpClient platform, JobRunnerOptions options, ILogger<JobRunner> logger, TimeProvider? time = null,
        HttpClient? dealer = null, AuditClient? audit = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PartyId = ServiceRoles.PartyId(service.Role) ?? throw new ArgumentException("Jobs run on party-0 or party-1.", nameof(service));
        string root = Path.Combine(service.RoleDirectory, "jobs");
        OwnerOnly.CreateDirectory(root);
        time ??= TimeProvider.System;
        var dealerClient = new DealerClient(dealer ?? platform);
        _reporter = new JobReporter(platform, logger, time);
        _queue = new JobQueue(root, _reporter, logger, time);
        var rendezvous = new AttemptRendezvous(PartyId, dealerClient, _reporter, options, logger, time);
        var sessions = new PartySessionFactory(PartyId, dealerClient, options);
        var attempt = new JobAttempt(PartyId, root, new PeerConnector(service.Identity, service.Settings, logger), sessions, _reporter, options, logger, time);
        var attempts = new AttemptLoop(rendezvous, attempt, _queue, _reporter, options, logger, time);
        _execution = new JobExecution(PartyId, store, _queue, attempts, _reporter, audit, logger);
        _options = options;
        _logger = logger;
    }

    public int PartyId { get; }

    /// <summary>The job's folder here (whether or not it exists).</summary>
    public JobFolder Folder(string jobId) => _queue.Folder(jobId);

    /// <summary>Queues a job (idempotent for the same description). A failed or cancelled job restarts, from its checkpoints, when started again with a higher attempt.</summary>
    public JobCommandResult Start(JobDescription description) => _queue.Start(description);

    /// <summary>Cancels a queued or running job: a running one stops at its next step or exchange.</summary>
    public JobCommandResult Cancel(string jobId) => _queue.Cancel(jobId);

    /// <summary>The job's state here, or null.</summary>
    public JobStartReply? Status(string jobId) => _queue.Status(jobId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _reporting = _reporter.RunAsync(_reporterStop.Token);
        _logger.LogInformation("Jobs: peer timeout {Peer} s, a party or platform that is away is waited for up to {Wait}, at most {Resumes} new attempts per job and run.",
            _options.PeerTimeout.TotalSeconds, _options.WaitLimitText(), _options.MaxResumes);
        _queue.RequeueUnfinished();
        try
        {
            await foreach (string jobId in _queue.ReadAllAsync(stoppingToken))
            {
                await _execution.RunAsync(jobId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _reporter.FlushAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
        await _reporterStop.CancelAsync();
        await _reporting;
    }

    public override void Dispose()
    {
        _reporterStop.Dispose();
        base.Dispose();
    }
}
