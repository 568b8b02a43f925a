using System.Diagnostics;
using System.Globalization;
using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Randomness;

namespace Imguard.Cli.Bench;

/// <summary>
/// <c>imguard bench accuracy</c>: the clean test accuracy a job's settings give on Fashion-MNIST, measured with the
/// plaintext engine (the same layer code as on shares; <c>bench train --epochs</c> measures what the secure arithmetic
/// changes). For each model and hiding variant it trains one run of the longest epoch count, with the product's
/// defaults (batch 128, SGD lr 0.05, momentum 0.9, no weight decay, <c>--schedule</c>), and evaluates after each epoch
/// asked for (under cosine, one run per epoch count), on clean test images (T = 0) and by "InstaHide in inference" (T &gt; 0, hiding on only). The training set
/// is standardised with its own statistics and the test set with the same, as the owner's client does. Every seed
/// (initial weights, each epoch's hiding plan, each evaluation's encodings) comes from <c>--seed</c>, so a run repeats
/// exactly. Figures are percentages; ratio_to is the same model without hiding after the same epoch, when this run
/// measured it.
/// </summary>
internal static class AccuracyBenchmark
{
    /// <summary>One hiding setting of the table, e.g. "instahide4+abs": a mode, k and whether the model starts with |x|.</summary>
    internal sealed record Variant(HidingMode Mode, int K, bool Abs)
    {
        public InstaHideOptions Options => new(Mode, Mode == HidingMode.Off ? InstaHideOptions.DefaultK : K);

        /// <summary>The name in the figures: off, mixup_k4, instahide_k4, instahide_k4_abs …</summary>
        public string Name => (Mode switch
        {
            HidingMode.Off => "off",
            HidingMode.Mixup => $"mixup_k{K}",
            _ => $"instahide_k{K}",
        }) + (Abs ? "_abs" : "");

        /// <summary>off | mixup[K] | instahide[K], optionally followed by "+abs"; K defaults to the product's 4.</summary>
        public static Variant Parse(string text)
        {
            string t = text.Trim().ToLowerInvariant();
            bool abs = t.EndsWith("+abs", StringComparison.Ordinal);
            if (abs)
            {
                t = t[..^4];
            }
            (HidingMode mode, string rest) = t.StartsWith("instahide", StringComparison.Ordinal) ? (HidingMode.InstaHide, t[9..])
                : t.StartsWith("mixup", StringComparison.Ordinal) ? (HidingMode.Mixup, t[5..])
                : t == "off" ? (HidingMode.Off, "")
                : throw new ArgumentException($"Unknown hiding variant '{text}': use off, mixupK or instahideK, optionally with +abs.");
            int k = rest.Length == 0 ? InstaHideOptions.DefaultK
                : int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed >= 2 ? parsed
                : throw new ArgumentException($"'{text}': k must be a whole number of at least 2.");
            return new Variant(mode, k, abs);
        }
    }

    /// <summary>What one invocation measures.</summary>
    internal sealed record Settings(
        IReadOnlyList<string> Models, IReadOnlyList<Variant> Variants, IReadOnlyList<int> EvaluateAfter, IReadOnlyList<int> TestEncodings,
        int TrainLimit, int TestLimit, ulong Seed, string Schedule, double OwnCoefficientMin);

    public static async Task<int> RunAsync(bool json, Settings settings, CancellationToken ct)
    {
        void Print(BenchResult r) => Console.WriteLine(json ? r.ToJson() : r.ToString());
        var (train, test) = Data(settings.TrainLimit, settings.TestLimit);
        string size = $"n{train.Count}";
        foreach (string model in settings.Models)
        {
            var baseline = new Dictionary<(int Epoch, int T), BenchResult>();
            // "off" first, so that the other variants' ratios can refer to it.
            foreach (var variant in settings.Variants.OrderBy(v => v.Mode == HidingMode.Off ? 0 : 1))
            {
                // A schedule other than the constant rate is named in the figure (AccuracyTable keys on it).
                string schedule = settings.Schedule == "constant" ? "" : $".{settings.Schedule.Replace(':', '_').Replace('.', 'p')}";
                string prefix = $"plain.accuracy.{model}.{variant.Name}{schedule}.{size}";
                await foreach (var (epoch, t, accuracy, seconds) in RunsAsync(model, variant, settings, train, test, ct))
                {
                    if (t < 0)
                    {
                        Print(new BenchResult($"{prefix}.seconds_per_epoch", seconds, "s"));
                        continue;
                    }
                    var result = new BenchResult($"{prefix}.epoch{epoch}.t{t}", Math.Round(accuracy * 100, 2), "%");
                    if (variant.Mode == HidingMode.Off)
                    {
                        baseline[(epoch, 0)] = result;
                    }
                    else if (baseline.TryGetValue((epoch, 0), out var off))
                    {
                        result = result.RelativeTo(off);
                    }
                    Print(result);
                }
            }
        }
        return 0;
    }

    /// <summary>
    /// The runs one variant needs: one run of the longest epoch count evaluated along the way, or, under a schedule that
    /// anneals over the run's length (cosine), one run per epoch count, since a job of E epochs under cosine is not the
    /// first E epochs of a longer one.
    /// </summary>
    private static async IAsyncEnumerable<(int Epoch, int T, double Accuracy, double Seconds)> RunsAsync(
        string modelName, Variant variant, Settings settings, LabeledImages train, LabeledImages test,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        bool dependsOnLength = LearningRateSchedule.Parse(settings.Schedule).Kind == LearningRateSchedule.Cosine.Kind;
        var runs = dependsOnLength
            ? settings.EvaluateAfter.Distinct().Order().Select(e => settings with { EvaluateAfter = [e] })
            : [settings];
        foreach (var run in runs)
        {
            await foreach (var figure in TrainAsync(modelName, variant, run, train, test, ct))
            {
                yield return figure;
            }
        }
    }

    /// <summary>
    /// One training run; yields (epoch, T, accuracy, 0) after each epoch asked for and each T, and (epoch, −1, 0,
    /// seconds) with the mean training time per epoch at the end.
    /// </summary>
    internal static async IAsyncEnumerable<(int Epoch, int T, double Accuracy, double Seconds)> TrainAsync(
        string modelName, Variant variant, Settings settings, LabeledImages train, LabeledImages test,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var spec = Spec(modelName, variant.Abs);
        int epochs = settings.EvaluateAfter.Max();
        var options = new TrainingOptions
        {
            Epochs = epochs, BatchSize = 128, LearningRate = 0.05, Momentum = 0.9, WeightDecay = 0,
            Schedule = LearningRateSchedule.Parse(settings.Schedule), Hiding = variant.Options,
        };
        IReadOnlyList<PlainTensor> initial;
        using (var prg = new AesCtrPrg(new Seed(settings.Seed, 1)))
        {
            initial = ModelBuilder.InitialParameters(spec, prg);
        }
        var model = ModelBuilder.Build(spec, initial);
        var trainer = new Trainer<PlainTensor>(PlainEngine.Instance, model, options);
        var source = new PlainBatchSource(train, options.Hiding, options.BatchSize, epoch =>
        {
            using var prg = new AesCtrPrg(new Seed(settings.Seed, 100 + (ulong)epoch));
            return EpochHidingPlan.Draw(options.Hiding, train.Count, train.ImageSize, prg);
        });
        double trainingSeconds = 0;
        for (int e = 1; e <= epochs; e++)
        {
            var clock = Stopwatch.StartNew();
            await trainer.TrainEpochAsync(source, e - 1, null, ct);
            trainingSeconds += clock.Elapsed.TotalSeconds;
            if (!settings.EvaluateAfter.Contains(e))
            {
                continue;
            }
            foreach (int t in settings.TestEncodings)
            {
                if (t > 0 && variant.Mode == HidingMode.Off)
                {
                    continue;   // test-time encodings need a hiding mode, as a job does
                }
                using var prg = new AesCtrPrg(new Seed(settings.Seed, 1000 + (ulong)e));
                var encoding = new TestEncodingOptions(options.Hiding, t, t > 0 ? settings.OwnCoefficientMin : 0);
                var predicted = await InstaHideInference.PredictAsync(model, test, train, encoding, prg, cancellationToken: ct);
                yield return (e, t, InstaHideInference.Accuracy(predicted, test), 0);
            }
        }
        yield return (epochs, -1, 0, trainingSeconds / epochs);
    }

    /// <summary>The preset fitted to Fashion-MNIST, with |x| as its first layer when asked.</summary>
    internal static ModelSpec Spec(string model, bool abs)
    {
        var preset = ModelSpec.Preset(model);
        return abs ? preset with { Layers = [new LayerSpec("abs"), .. preset.Layers] } : preset;
    }

    /// <summary>The first <paramref name="trainLimit"/> training and <paramref name="testLimit"/> test images (0: all), standardised as the owner's client does.</summary>
    private static (LabeledImages Train, LabeledImages Test) Data(int trainLimit, int testLimit)
    {
        if (!FashionMnist.IsInstalled())
        {
            throw new InvalidOperationException($"Fashion-MNIST is not installed: apt-get install {FashionMnist.DebianPackage}.");
        }
        var train = First(FashionMnist.LoadTrain(), trainLimit);
        var test = First(FashionMnist.LoadTest(), testLimit);
        var standardization = Standardization.Fit(train);
        return (standardization.Apply(train), standardization.Apply(test));
    }

    private static LabeledImages First(LabeledImages images, int limit) =>
        limit > 0 && limit < images.Count ? images.Slice(0, limit) : images;
}
