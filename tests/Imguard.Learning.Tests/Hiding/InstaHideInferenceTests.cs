using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>"InstaHide in inference" (test-properties.md #23): T = 1 is the single encoding, more encodings help.</summary>
public sealed class InstaHideInferenceTests
{
    private static readonly ModelSpec Small = new([1, 12, 12], 10, [new("flatten"), new("linear", Out: 32), new("relu"), new("linear", Out: 10)]);

    [Fact]
    public async Task One_encoding_predicts_the_arg_max_of_that_encodings_logits()
    {
        var (train, test) = Data(200, 60);
        var model = Model(Small);
        var options = new TestEncodingOptions(InstaHideOptions.Default, encodings: 1);
        var encoded = InstaHideInference.EncodeOnce(test, train, options, new AesCtrPrg(new Seed(9, 9)));
        var logits = await model.ForwardAsync(PlainEngine.Instance, new PlainTensor(encoded, test.Count, 1, 12, 12));
        var byHand = Enumerable.Range(0, test.Count).Select(i => ArgMax(logits.Data.AsSpan(i * 10, 10))).ToArray();

        var predicted = await InstaHideInference.PredictAsync(model, test, train, options, new AesCtrPrg(new Seed(9, 9)));

        Assert.Equal(byHand, predicted);
    }

    [Fact]
    public async Task No_encodings_is_the_clean_evaluation()
    {
        var (train, test) = Data(50, 40);
        var model = Model(Small);
        var logits = await model.ForwardAsync(PlainEngine.Instance, new PlainTensor(Array.ConvertAll(test.Pixels, v => (double)v), test.Count, 1, 12, 12));
        var clean = Enumerable.Range(0, test.Count).Select(i => ArgMax(logits.Data.AsSpan(i * 10, 10))).ToArray();
        var predicted = await InstaHideInference.PredictAsync(model, test, train, new TestEncodingOptions(InstaHideOptions.Default, 0), new AesCtrPrg(new Seed(1, 1)));
        Assert.Equal(clean, predicted);
    }

    [Fact]
    public void An_encoding_mixes_the_image_with_its_own_coefficient_and_masks_every_scalar()
    {
        var (_, test) = Data(1, 1);
        var zeros = new LabeledImages(new float[5 * 144], new int[5], 1, 12, 12, SyntheticShapes.ClassNames.ToArray());
        var image = test.GetImage(0).ToArray();
        int below = 0;
        for (ulong s = 0; s < 200; s++)
        {
            // Partners all zero: the mixup encoding is λ₀·x, so λ₀ can be read back.
            var mixup = InstaHideInference.EncodeOnce(test, zeros, new TestEncodingOptions(new InstaHideOptions(HidingMode.Mixup), 1), new AesCtrPrg(new Seed(s, 1)));
            var own = InstaHideInference.EncodeOnce(test, zeros, new TestEncodingOptions(new InstaHideOptions(HidingMode.Mixup), 1, 0.5), new AesCtrPrg(new Seed(s, 1)));
            var masked = InstaHideInference.EncodeOnce(test, zeros, new TestEncodingOptions(InstaHideOptions.Default, 1), new AesCtrPrg(new Seed(s, 1)));
            int at = Array.FindIndex(image, v => Math.Abs(v) > 0.1f);
            double lambda0 = mixup[at] / image[at], ownLambda0 = own[at] / image[at];
            Assert.InRange(lambda0, 0, 0.65 + 1e-12);
            Assert.InRange(ownLambda0, 0.5, 0.65 + 1e-12);
            below += lambda0 < 0.5 ? 1 : 0;
            // Same λ and partners (the mask is drawn last): |instahide| = |mixup| for every scalar, with both signs.
            for (int i = 0; i < image.Length; i++)
            {
                Assert.Equal(Math.Abs(mixup[i]), Math.Abs(masked[i]), 12);
            }
            Assert.Contains(masked, v => v < 0 && v != 0);
        }
        Assert.True(below > 100, $"only {below} of 200 unconstrained rows had λ₀ < 0.5");
    }

    [Fact]
    public async Task Averaging_sixteen_encodings_beats_one_on_a_model_trained_with_mixup()
    {
        var (train, test) = Data(1000, 400);
        var model = Model(Small);
        var options = new TrainingOptions { Epochs = 20, BatchSize = 50, LearningRate = 0.05, Momentum = 0.9, Hiding = new InstaHideOptions(HidingMode.Mixup) };
        var trainer = new Trainer<PlainTensor>(PlainEngine.Instance, model, options);
        var source = new PlainBatchSource(train, options.Hiding, options.BatchSize, e =>
        {
            using var prg = new AesCtrPrg(new Seed(3, (ulong)e));
            return EpochHidingPlan.Draw(options.Hiding, train.Count, train.ImageSize, prg);
        });
        for (int e = 0; e < options.Epochs; e++)
        {
            await trainer.TrainEpochAsync(source, e, null);
        }
        double one = InstaHideInference.Accuracy(await InstaHideInference.PredictAsync(model, test, train, new TestEncodingOptions(options.Hiding, 1), new AesCtrPrg(new Seed(5, 5))), test);
        double sixteen = InstaHideInference.Accuracy(await InstaHideInference.PredictAsync(model, test, train, new TestEncodingOptions(options.Hiding, 16), new AesCtrPrg(new Seed(5, 5))), test);
        double clean = InstaHideInference.Accuracy(await InstaHideInference.PredictAsync(model, test, train, new TestEncodingOptions(options.Hiding, 0), new AesCtrPrg(new Seed(5, 5))), test);
        Assert.True(sixteen > one + 0.02, $"clean {clean:P1}, T = 1: {one:P1}, T = 16: {sixteen:P1}");
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new TestEncodingOptions(InstaHideOptions.Off, 4));
        Assert.Throws<ArgumentException>(() => new TestEncodingOptions(InstaHideOptions.Default, 4, 0.7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TestEncodingOptions(InstaHideOptions.Default, -1));
    }

    private static (LabeledImages Train, LabeledImages Test) Data(int train, int test)
    {
        var all = SyntheticShapes.Generate(train + test, side: 12);
        var standardization = Standardization.Fit(all.Slice(0, train));
        return (standardization.Apply(all.Slice(0, train)), standardization.Apply(all.Slice(train, test)));
    }

    private static Sequential<PlainTensor> Model(ModelSpec spec)
    {
        using var prg = new AesCtrPrg(new Seed(2, 2));
        return ModelBuilder.Build(spec, ModelBuilder.InitialParameters(spec, prg));
    }

    private static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best]) best = j;
        }
        return best;
    }
}
