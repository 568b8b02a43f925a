using System.Diagnostics;
using System.Diagnostics.Metrics;
using Imguard.ServiceDefaults.Telemetry;

namespace Imguard.Party.Telemetry;

/// <summary>
/// A party's own instruments and spans (collected by <see cref="ServiceTelemetry"/> under
/// <see cref="ImguardTelemetry.Party"/>): per training step its time, the bytes it sent to and received from the other
/// party and its protocol rounds; the bytes of owners' uploads the share store took. Each is recorded once per step or
/// per chunk, never per protocol round, and carries no attribute but the direction of the bytes.
/// </summary>
internal static class PartyTelemetry
{
    public static readonly ActivitySource Source = new(ImguardTelemetry.Party);

    private static readonly Meter Meter = new(ImguardTelemetry.Party);

    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram("imguard.training.step.duration", "s",
        "Time of one training step (forward, backward and update on shares, with its dealer items and peer rounds).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 150] });

    public static readonly Histogram<long> StepPeerIo = Meter.CreateHistogram("imguard.training.step.peer.io", "By",
        "Bytes one training step sent to (network.io.direction=transmit) and received from (receive) the other party.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1 << 10, 1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22, 1 << 24, 1 << 26, 1 << 28, 1 << 30, 1L << 32] });

    public static readonly Histogram<long> StepRounds = Meter.CreateHistogram("imguard.training.step.peer.rounds", "{round}",
        "Protocol rounds (a message out and the reply the next step waits for) of one training step.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 100000] });

    public static readonly Counter<long> UploadReceived = Meter.CreateCounter<long>("imguard.upload.received", "By",
        "Bytes of owners' share uploads written to the share store (its rate is the upload throughput).");

    public static readonly KeyValuePair<string, object?> Transmit = new("network.io.direction", "transmit");

    public static readonly KeyValuePair<string, object?> Receive = new("network.io.direction", "receive");
}
