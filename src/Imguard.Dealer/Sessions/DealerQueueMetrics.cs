using System.Diagnostics.Metrics;
using Imguard.ServiceDefaults.Telemetry;

namespace Imguard.Dealer.Sessions;

/// <summary>
/// The dealer's queue depth (items generated for one party and held until the other takes its half) and its live
/// sessions, read from one <see cref="DealerSessions"/> each time metrics are collected; its meter's scope is that
/// dealer, and it goes with it.
/// </summary>
internal sealed class DealerQueueMetrics : IDisposable
{
    private readonly Meter _meter;

    public DealerQueueMetrics(DealerSessions dealer)
    {
        _meter = new Meter(new MeterOptions(ImguardTelemetry.Dealer) { Scope = dealer });
        _meter.CreateObservableUpDownCounter("imguard.dealer.queue.depth", () => dealer.LiveSessions().Sum(s => (long)s.PendingItems), "{item}",
            "Items generated for one party and held until the other party takes its half.");
        _meter.CreateObservableUpDownCounter("imguard.dealer.sessions", () => dealer.LiveSessions().Length, "{session}",
            "Jobs with a live dealer session.");
    }

    public void Dispose() => _meter.Dispose();
}
