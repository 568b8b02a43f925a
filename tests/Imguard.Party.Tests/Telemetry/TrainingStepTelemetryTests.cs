using System.Collections.Concurrent;
using System.Diagnostics;
using Imguard.Learning.Training;
using Imguard.Mpc.Transport;
using Imguard.Party.Telemetry;
using Imguard.ServiceDefaults.Telemetry;
using Imguard.Testing;

namespace Imguard.Party.Tests.Telemetry;

/// <summary>Each reported step is measured once — its own time, bytes and rounds, not the epoch's so far — and passed on.</summary>
public sealed class TrainingStepTelemetryTests
{
    private sealed class Reports : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Received { get; } = [];

        public void Report(TrainingProgress value) => Received.Add(value);
    }

    private static TrainingProgress Step(int epoch, int step, double elapsedSeconds) =>
        new(epoch, 2, step, 2, 10, 0.1, null, TimeSpan.FromSeconds(elapsedSeconds));

    [Fact]
    public void Each_step_records_its_own_time_bytes_and_rounds_and_a_span_under_the_attempt()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var parent = new Activity("test-attempt").Start();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ImguardTelemetry.Party,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (activity.ParentId == parent.Id) spans.Enqueue(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        using var measured = new FlowMeasurements();
        var link = new TransferStatistics();
        link.RecordSent(5000); // before training (the agreement): not a step's
        var inner = new Reports();
        var steps = new TrainingStepTelemetry(inner, link);

        link.RecordSent(100);
        link.RecordReceived(300);
        link.RecordRound();
        steps.Report(Step(0, 1, 1.5));
        link.RecordSent(200);
        link.RecordRound();
        link.RecordRound();
        steps.Report(Step(0, 2, 4.0));
        steps.Report(Step(1, 1, 0.5)); // a new epoch: its first step's time is the epoch's so far

        Assert.Equal(3, inner.Received.Count);
        Assert.Equal(1.5 + 2.5 + 0.5, measured.Sum("imguard.training.step.duration"), 6);
        Assert.Equal(100 + 300 + 200, measured.Sum("imguard.training.step.peer.io"));
        Assert.Equal(3, measured.Sum("imguard.training.step.peer.rounds"));
        Activity[] recorded = [.. spans];
        Assert.Equal(3, recorded.Length);
        Assert.All(recorded, span => Assert.Equal("imguard.training.step", span.OperationName));
        Assert.Equal([1.5, 2.5, 0.5], recorded.Select(span => Math.Round(span.Duration.TotalSeconds, 3)));
        Assert.Equal([1L, 2L, 0L], recorded.Select(span => (long)span.GetTagItem("imguard.training.step.peer.rounds")!));
    }
}
