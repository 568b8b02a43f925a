using System.Diagnostics.Metrics;
using Imguard.ServiceDefaults.Telemetry;

namespace Imguard.Dealer.Sessions;

/// <summary>
/// What the dealer serves (collected under <see cref="ImguardTelemetry.Dealer"/>): items and bytes of correlated
/// randomness handed to the parties, recorded once per request. Counts only, no attribute: never a job, a value or a
/// seed. The queue and the live sessions are read when metrics are collected (<see cref="DealerQueueMetrics"/>).
/// </summary>
internal static class DealerMetrics
{
    private static readonly Meter Meter = new(ImguardTelemetry.Dealer);

    private static readonly Counter<long> ItemsServed = Meter.CreateCounter<long>("imguard.dealer.items.served", "{item}",
        "Correlated-randomness items the dealer handed to a party.");

    private static readonly Counter<long> BytesServed = Meter.CreateCounter<long>("imguard.dealer.served", "By",
        "Bytes of correlated randomness the dealer handed to a party.");

    /// <summary>One request's items, handed to a party.</summary>
    public static void Served(IReadOnlyList<ulong[]> items)
    {
        long words = 0;
        foreach (ulong[] item in items)
        {
            words += item.Length;
        }
        ItemsServed.Add(items.Count);
        BytesServed.Add(words * sizeof(ulong));
    }
}
