using Imguard.Audit.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Audit.Server;

/// <summary>
/// Signs a checkpoint at start (covering records a crash left uncovered), then every
/// <see cref="AuditCheckpointPolicy.Period"/> when records arrived since the last one, and one at shutdown: the
/// policy every checkpoint states, which the verifier holds the uncovered records to (see
/// <see cref="AuditCheckpointPolicy"/>).
/// </summary>
internal sealed class AuditCheckpointTimer(AuditLog log, ILogger<AuditCheckpointTimer> logger, TimeProvider? timeProvider = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(log.Policy.Period, timeProvider ?? TimeProvider.System);
        try
        {
            await CheckpointAsync("at start", stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync("on the timer", stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        AuditCheckpoint? checkpoint = await CheckpointAsync("at shutdown", CancellationToken.None);
        if (checkpoint is not null)
        {
            logger.LogInformation("Audit checkpoint at record {Sequence} signed at shutdown.", checkpoint.Sequence);
        }
    }

    // A failed checkpoint is logged and tried again at the next tick; the server keeps accepting records.
    private async Task<AuditCheckpoint?> CheckpointAsync(string when, CancellationToken cancellationToken)
    {
        try
        {
            return await log.CheckpointAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException)
        {
            logger.LogError("Could not sign the audit checkpoint {When}: {Reason}", when, e.Message);
            return null;
        }
    }
}
