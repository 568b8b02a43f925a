using CsCheck;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Training;

namespace Imguard.Learning.Tests.Training;

/// <summary>
/// Property tests of how the dealer and both parties read a job description's settings into the Learning library's
/// types (<see cref="JobTraining"/>, <see cref="LearningRateSchedule.Parse"/>): any settings give options that validate
/// or an <see cref="ArgumentException"/> naming the setting (what a party turns into "invalid job"), never another
/// exception, and a schedule string parses back to itself.
/// </summary>
public sealed class JobTrainingPropertyTests
{
    private static readonly Gen<string> Schedule = Gen.Frequency(
        (2, Gen.OneOf("constant", "cosine", "step:1:0.5", "step:10:1", "STEP:3:0.1", "Cosine")),
        (2, Gen.Select(Gen.OneOf("step", "constant", "cosine", "", "x"), Gen.OneOf("", ":", "::"), Gen.OneOf("0", "-1", "1", "2147483647", "2147483648", "1e3", " 1", "NaN"),
            Gen.OneOf("", ":0.5", ":0", ":1", ":1.0000001", ":NaN", ":Infinity", ":-0.5", ":1e-320", ":0.5:1"))
            .Select((kind, sep, every, gamma) => kind + sep + every + gamma)),
        (1, Gen.String[0, 30]));

    [Fact]
    public void A_schedule_string_parses_to_a_schedule_or_an_argument_error()
    {
        Schedule.Sample(text =>
        {
            LearningRateSchedule schedule;
            try
            {
                schedule = LearningRateSchedule.Parse(text);
            }
            catch (ArgumentException)
            {
                return;
            }
            Assert.Contains(schedule.Kind, new[] { "constant", "cosine", "step" });
            Assert.Equal(schedule, LearningRateSchedule.Parse(schedule.Text));   // what a job stores reads back the same
            for (int epoch = 0; epoch < 5; epoch++)
            {
                double rate = schedule.RateAt(0.1, epoch, 4);
                Assert.True(double.IsFinite(rate) && rate >= 0 && rate <= 0.1, $"rate {rate} at epoch {epoch}");
            }
        }, iter: 3000);
    }

    private static readonly Gen<double> AnyDouble = Gen.Frequency(
        (4, Gen.Double[0, 1]), (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1.0, 0.0, 1.0, 1e308, double.Epsilon, 0.25, 0.65)), (1, Gen.Double));

    private static readonly Gen<int> AnyInt = Gen.Frequency((4, Gen.Int[-1, 70]), (1, Gen.OneOf(int.MinValue, int.MaxValue, 65_536, 100_000)), (1, Gen.Int));

    /// <summary>A setting that is mostly in its valid range and now and then anything.</summary>
    private static Gen<T> Mostly<T>(Gen<T> valid, Gen<T> any) => Gen.Frequency((10, valid), (1, any));

    private static readonly Gen<JobTrainingOptions> Options =
        from ints in Gen.Select(Mostly(Gen.Int[1, 100], AnyInt), Mostly(Gen.Int[1, 512], AnyInt), Mostly(Gen.Int[1, 8], AnyInt),
            Mostly(Gen.OneOf(32, 64), AnyInt), Mostly(Gen.Int[0, 4], AnyInt))
        from doubles in Gen.Select(Mostly(Gen.Double[1e-4, 1], AnyDouble), Mostly(Gen.Double[0, 0.99], AnyDouble), Mostly(Gen.Double[0, 0.01], AnyDouble),
            Mostly(Gen.Double[0.7, 1], AnyDouble), Mostly(Gen.Double[0, 0.5], AnyDouble))
        from schedule in Schedule
        from hiding in Mostly(Gen.OneOf(HidingModes.Mixup, HidingModes.InstaHide), Gen.OneOf(HidingModes.Off, "InstaHide", "", "none"))
        from reveal in Gen.Bool
        select new JobTrainingOptions
        {
            Epochs = ints.Item1,
            BatchSize = ints.Item2,
            K = ints.Item3,
            ComparisonBits = ints.Item4,
            TestEncodings = ints.Item5,
            LearningRate = doubles.Item1,
            Momentum = doubles.Item2,
            WeightDecay = doubles.Item3,
            UpperBound = doubles.Item4,
            TestOwnCoefficientMin = doubles.Item5,
            Schedule = schedule,
            Hiding = hiding,
            RevealLoss = reveal,
        };

    [Fact]
    public void Any_training_settings_give_valid_options_or_an_argument_error()
    {
        int accepted = 0, refused = 0;
        Options.Sample(o =>
        {
            TrainingOptions options;
            try
            {
                options = JobTraining.Options(o);
            }
            catch (ArgumentException)
            {
                Interlocked.Increment(ref refused);
                return;
            }
            Interlocked.Increment(ref accepted);
            Assert.Null(o.Check());
            options.Validate();
            Assert.Equal(o.Epochs, options.Epochs);
            Assert.Equal(o.K, options.Hiding.K);
        }, iter: 4000);
        Assert.True(accepted > 200 && refused > 200, $"{accepted} accepted, {refused} refused");
    }

    [Fact]
    public void Any_number_format_of_a_description_is_a_format_or_an_argument_error()
    {
        AnyInt.Sample(bits =>
        {
            var job = new JobDescription { JobId = "j", ProjectId = "p", TrainDatasetId = "d", ModelSpecJson = "{}", FractionalBits = bits };
            try
            {
                Assert.Equal(bits, JobTraining.Format(job).FractionalBits);
            }
            catch (ArgumentException)
            {
                Assert.True(bits is < 0 or > 40);
            }
        }, iter: 500);
    }
}
