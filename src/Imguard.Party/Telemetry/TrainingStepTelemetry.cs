using System.Diagnostics;
using Imguard.Learning.Training;
using Imguard.Mpc.Transport;

namespace Imguard.Party.Telemetry;

/// <summary>
/// Records each training step in <see cref="PartyTelemetry"/> as the trainer reports it, then passes the report on:
/// the step's time (from the epoch's elapsed time), its share of the peer link's bytes and rounds (the difference of
/// two readings of the link's counters), and — when a collector takes spans — a span for the step under the attempt's.
/// Nothing is allocated per step while no span is wanted.
/// </summary>
internal sealed class TrainingStepTelemetry(IProgress<TrainingProgress> inner, TransferStatistics link) : IProgress<TrainingProgress>
{
    private TransferSnapshot _last = link.Snapshot();
    private TimeSpan _lastElapsed;

    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // The first step of an epoch also carries the epoch's start (the batch source's preparation).
        TimeSpan step = value.Step == 1 ? value.EpochElapsed : value.EpochElapsed - _lastElapsed;
        _lastElapsed = value.EpochElapsed;
        TransferSnapshot now = link.Snapshot();
        TransferSnapshot cost = now - _last;
        _last = now;
        PartyTelemetry.StepDuration.Record(step.TotalSeconds);
        PartyTelemetry.StepPeerIo.Record(cost.BytesSent, PartyTelemetry.Transmit);
        PartyTelemetry.StepPeerIo.Record(cost.BytesReceived, PartyTelemetry.Receive);
        PartyTelemetry.StepRounds.Record(cost.Rounds);
        if (PartyTelemetry.Source.HasListeners())
        {
            DateTimeOffset end = DateTimeOffset.UtcNow;
            using Activity? span = PartyTelemetry.Source.StartActivity(ActivityKind.Internal, startTime: end - step, name: "imguard.training.step");
            span?.SetTag("imguard.training.epoch", value.Epoch);
            span?.SetTag("imguard.training.step", value.Step);
            span?.SetTag("imguard.training.step.peer.rounds", cost.Rounds);
            span?.SetEndTime(end.UtcDateTime);
        }
        inner.Report(value);
    }
}
