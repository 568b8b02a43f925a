using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Training;
using Imguard.Mpc.Randomness;

namespace Imguard.Cli.Bench;

/// <summary>
/// <c>imguard bench collab</c>: what training together gives each owner (issue 17). Fashion-MNIST's training set is
/// split among three owners, each owner trains alone on their part and the three train jointly on the union, and every
/// model is evaluated on the whole test set. Two splits: <c>by-class</c> (owner 1 holds classes 0–3, owner 2 classes
/// 4–6, owner 3 classes 7–9: no owner alone can recognise the others' classes) and <c>iid</c> (random parts in the
/// ratio 3 : 2 : 1: more data of the same kind).
/// </summary>
/// <remarks>
/// Training runs on the plaintext engine, the same layer code the parties run on shares (<c>bench train --epochs</c>
/// measures what the secure arithmetic changes), with the product's defaults (batch 128, lr 0.05, momentum 0.9, the
/// <c>--schedule</c>), so the figures say what collaboration is worth, not how fast it is. A solo owner standardises
/// with their own part's statistics, as their client would; the joint run with the union's, which is what the parties
/// compute on shares for a multi-owner job (SecureChannelMoments: exact up to 2^−f). Every seed comes from
/// <c>--seed</c>. Figures: <c>collab.{split}.{model}.{hiding}.solo.owner{i}.test_accuracy</c> and
/// <c>….joint.test_accuracy</c>, in percent; the joint figure's ratio is to the best solo owner of the same run.
/// </remarks>
internal static class CollabBenchmark
{
    /// <summary>The owners' class ranges in the by-class split.</summary>
    internal static readonly int[][] ClassesByOwner = [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]];

    /// <summary>The owners' shares of the training set in the iid split.</summary>
    internal static readonly int[] IidWeights = [3, 2, 1];

    internal sealed record Settings(
        IReadOnlyList<string> Models, IReadOnlyList<AccuracyBenchmark.Variant> Variants, IReadOnlyList<string> Splits, int Epochs,
        int TrainLimit, int TestLimit, ulong Seed, string Schedule);

    public static Task<int> RunAsync(bool json, Settings settings, CancellationToken ct) =>
        RunAsync(r => Console.WriteLine(json ? r.ToJson() : r.ToString()), settings, ct);

    /// <summary>Measures and hands each figure to <paramref name="print"/> as soon as it is measured.</summary>
    internal static async Task<int> RunAsync(Action<BenchResult> print, Settings settings, CancellationToken ct)
    {
        void Print(BenchResult r) => print(r);
        if (!FashionMnist.IsInstalled())
        {
            throw new InvalidOperationException($"Fashion-MNIST is not installed: apt-get install {FashionMnist.DebianPackage}.");
        }
        LabeledImages train = First(FashionMnist.LoadTrain(), settings.TrainLimit);
        LabeledImages test = First(FashionMnist.LoadTest(), settings.TestLimit);
        foreach (string split in settings.Splits)
        {
            int[][] owners = Split(split, train, settings.Seed);
            foreach (string model in settings.Models)
            {
                foreach (AccuracyBenchmark.Variant variant in settings.Variants)
                {
                    string prefix = $"collab.{split}.{model}.{variant.Name}";
                    BenchResult? best = null;
                    for (int o = 0; o < owners.Length; o++)
                    {
                        double accuracy = await AccuracyAsync(model, variant, settings, train.Subset(owners[o]), test, ct);
                        var solo = new BenchResult($"{prefix}.solo.owner{o + 1}.test_accuracy", accuracy, "%");
                        Print(solo);
                        best = best is null || solo.Value > best.Value ? solo : best;
                    }
                    // The union in the owners' order, as a multi-owner job concatenates its datasets.
                    int[] union = [.. owners.SelectMany(o => o)];
                    double joint = await AccuracyAsync(model, variant, settings, train.Subset(union), test, ct);
                    Print(new BenchResult($"{prefix}.joint.test_accuracy", joint, "%").RelativeTo(best!));
                }
            }
        }
        return 0;
    }

    /// <summary>Each owner's rows of <paramref name="train"/> under <paramref name="split"/>: disjoint, together every row.</summary>
    internal static int[][] Split(string split, LabeledImages train, ulong seed)
    {
        switch (split)
        {
            case "by-class":
                return [.. ClassesByOwner.Select(classes => Enumerable.Range(0, train.Count).Where(i => classes.Contains(train.Labels[i])).ToArray())];
            case "iid":
                // A public permutation from the seed, cut in the ratio of IidWeights.
                int[] order = [.. Enumerable.Range(0, train.Count)];
                using (var prg = new AesCtrPrg(new Seed(seed, 7)))
                {
                    for (int i = order.Length - 1; i > 0; i--)
                    {
                        int j = (int)(prg.NextUInt64() % (ulong)(i + 1));
                        (order[i], order[j]) = (order[j], order[i]);
                    }
                }
                int total = IidWeights.Sum(), start = 0;
                var parts = new int[IidWeights.Length][];
                for (int o = 0; o < parts.Length; o++)
                {
                    int end = o == parts.Length - 1 ? order.Length : start + (int)((long)order.Length * IidWeights[o] / total);
                    parts[o] = [.. order[start..end].Order()];
                    start = end;
                }
                return parts;
            default:
                throw new ArgumentException($"Unknown split '{split}': use by-class or iid.");
        }
    }

    /// <summary>Clean test accuracy (percent) of one run trained on <paramref name="part"/>, standardised with the part's own statistics.</summary>
    private static async Task<double> AccuracyAsync(string model, AccuracyBenchmark.Variant variant, Settings settings, LabeledImages part, LabeledImages test,
        CancellationToken ct)
    {
        var standardization = Standardization.Fit(part);
        var run = new AccuracyBenchmark.Settings([model], [variant], [settings.Epochs], [0], 0, 0, settings.Seed, settings.Schedule, 0);
        double accuracy = double.NaN;
        await foreach (var (_, t, value, _) in AccuracyBenchmark.TrainAsync(model, variant, run, standardization.Apply(part), standardization.Apply(test), ct))
        {
            if (t == 0)
            {
                accuracy = value;
            }
        }
        return Math.Round(accuracy * 100, 2);
    }

    private static LabeledImages First(LabeledImages images, int limit) =>
        limit > 0 && limit < images.Count ? images.Slice(0, limit) : images;
}
