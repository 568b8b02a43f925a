using Imguard.Dealer.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Dealer.Server;

/// <summary>
/// Ends the sessions of jobs that are over, for a dealer running as its own service: the platform that hosts the
/// dealer ends a job's session itself when the job ends; a separate dealer asks the platform about each live job every
/// <paramref name="interval"/> and ends the session of one it no longer describes (unknown or over), which wipes the
/// items held for it and sends the final usage to the audit log. A platform that cannot be reached ends nothing.
/// </summary>
public sealed class DealerSessionSweeper(DealerSessions sessions, IDealerJobCatalog catalog, TimeSpan interval, ILogger<DealerSessionSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: ends the session of every live job the platform no longer describes.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (string jobId in sessions.LiveJobIds())
        {
            try
            {
                if (await catalog.GetAsync(jobId, cancellationToken).ConfigureAwait(false) is null)
                {
                    sessions.EndJob(jobId);
                    logger.LogInformation("Job {Job} is over at the platform; its dealer session ended.", jobId);
                }
            }
            catch (DealerException e)
            {
                logger.LogWarning("Could not ask the platform about job {Job}: {Reason}", jobId, e.Message);
            }
        }
    }
}
