using Imguard.Contracts.Jobs;
using Imguard.Learning.Training;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>
/// Posts a training attempt's progress (party 0 only) at most every <see cref="JobRunnerOptions.ProgressInterval"/> and
/// at each epoch's last step; synchronous, so it never lags a step. Keeps the latest figures for the epoch's checkpoint report.
/// </summary>
internal sealed class TrainingProgressPoster(int partyId, JobReporter reporter, TimeProvider time, TimeSpan interval, string jobId, long totalSteps, int? resumedFrom)
    : IProgress<TrainingProgress>
{
    private long _lastTicks = long.MinValue;

    public double ImagesPerSecond { get; private set; }

    public double? Loss { get; private set; }

    public double EpochSeconds { get; private set; }

    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ImagesPerSecond = value.ImagesPerSecond;
        Loss = value.Loss;
        EpochSeconds = value.EpochElapsed.TotalSeconds;
        if (partyId != 0)
        {
            return;
        }
        long now = time.GetTimestamp();
        bool due = _lastTicks == long.MinValue || time.GetElapsedTime(_lastTicks, now) >= interval;
        if (due || value.Step == value.StepsPerEpoch)
        {
            _lastTicks = now;
            long step = (long)value.Epoch * value.StepsPerEpoch + value.Step;
            reporter.Progress(jobId, new JobProgressReport(value.Epoch, step, totalSteps, value.ImagesPerSecond, value.Loss, ResumedFromEpoch: resumedFrom,
                EpochSeconds: EpochSeconds));
        }
    }
}
