using Imguard.Platform.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Platform.AuditCopies;

/// <summary>
/// Copies new audit checkpoints every <see cref="PlatformOptions.AuditCheckpointCopyInterval"/> (a minute by
/// default, the audit server's own checkpoint period), so the copies trail the audit log by about that much.
/// </summary>
public sealed class AuditCheckpointCollector(AuditCheckpointCopies copies, PlatformOptions options, TimeProvider time, ILogger<AuditCheckpointCollector> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!copies.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int kept = await copies.SyncAsync(stoppingToken);
                if (kept > 0)
                {
                    logger.LogDebug("Copied {Count} audit checkpoints.", kept);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the collector must outlive an unreachable audit server or a database hiccup; the next round retries
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogWarning("Could not copy audit checkpoints ({Error}); retrying in {Seconds} s.", e.GetType().Name, options.AuditCheckpointCopyInterval.TotalSeconds);
            }

            try
            {
                await Task.Delay(options.AuditCheckpointCopyInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
