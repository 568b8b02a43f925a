using Imguard.Audit.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Audit.Server;

/// <summary>
/// Signs a checkpoint every minute when records arrived since the last one, and one at shutdown, so that the
/// records not yet covered by a signature (whose removal the log alone cannot show) stay few.
/// </summary>
internal sealed class AuditCheckpointTimer(AuditLog log, ILogger<AuditCheckpointTimer> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await log.CheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            AuditCheckpoint? checkpoint = await log.CheckpointAsync(CancellationToken.None);
            if (checkpoint is not null)
            {
                logger.LogInformation("Audit checkpoint at record {Sequence} signed at shutdown.", checkpoint.Sequence);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            logger.LogError("Could not sign the shutdown checkpoint: {Reason}", e.Message);
        }
    }
}
