using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.Shares;

/// <summary>
/// Removes abandoned uploads while the party runs (<see cref="ShareStore.SweepAsync"/>; the store does the same when
/// it opens): every half expiry, at most every 10 minutes, at least every second. An upload can thus outlive its
/// expiry by at most one sweep period.
/// </summary>
public sealed class UploadSweeper(ShareStore store, TimeProvider time, ILogger<UploadSweeper> logger) : BackgroundService
{
    /// <summary>The time between sweeps for <paramref name="expiry"/>.</summary>
    public static TimeSpan Period(TimeSpan expiry) =>
        TimeSpan.FromTicks(Math.Clamp(expiry.Ticks / 2, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(10).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period(store.Options.IncompleteUploadExpiry), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                int expired = await store.SweepAsync(stoppingToken);
                if (expired > 0)
                {
                    logger.LogInformation("Removed {Count} upload(s) that received no chunk for {Expiry}.", expired, store.Options.IncompleteUploadExpiry);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
