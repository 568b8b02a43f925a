using Imguard.Contracts.Jobs;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Mpc.Encoding;

namespace Imguard.Learning.Training;

/// <summary>
/// A job description's settings as the Learning library's types, read the same way by the dealer (platform) and both
/// parties: the model spec, the training options and the fixed-point format. Throws <see cref="ArgumentException"/>
/// (or <see cref="System.Text.Json.JsonException"/> for a bad spec) with a message naming the setting.
/// </summary>
public static class JobTraining
{
    public static ModelSpec Spec(JobDescription job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return ModelSpec.Parse(job.ModelSpecJson);
    }

    public static FixedPointFormat Format(JobDescription job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new FixedPointFormat(job.FractionalBits);
    }

    public static TrainingOptions Options(JobDescription job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Options(job.Training);
    }

    public static TrainingOptions Options(JobTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Check() is { } problem)
        {
            throw LearningError.InvalidArgument($"Invalid training options: {problem}");
        }
        var mode = o.Hiding switch
        {
            HidingModes.Off => HidingMode.Off,
            HidingModes.Mixup => HidingMode.Mixup,
            _ => HidingMode.InstaHide,
        };
        var options = new TrainingOptions
        {
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate,
            Momentum = o.Momentum,
            WeightDecay = o.WeightDecay,
            Schedule = LearningRateSchedule.Parse(o.Schedule),
            Hiding = new InstaHideOptions(mode, o.K, o.UpperBound),
            RevealLoss = o.RevealLoss,
            TestEncodings = o.TestEncodings,
            TestOwnCoefficientMin = o.TestOwnCoefficientMin,
        };
        options.Validate();
        return options;
    }
}
