using Imguard.Cli.Bench;
using Imguard.Learning.Data;

namespace Imguard.Cli.Tests.Bench;

public sealed class CollabBenchmarkTests
{
    [Fact]
    public void Both_splits_give_the_three_owners_disjoint_parts_that_cover_the_training_set()
    {
        LabeledImages train = FashionMnist.LoadTrain().Slice(0, 3000);
        int[][] byClass = CollabBenchmark.Split("by-class", train, seed: 1);
        for (int o = 0; o < 3; o++)
        {
            Assert.All(byClass[o], i => Assert.Contains(train.Labels[i], CollabBenchmark.ClassesByOwner[o]));
        }
        int[][] iid = CollabBenchmark.Split("iid", train, seed: 1);
        Assert.Equal([1500, 1000, 500], iid.Select(p => p.Length));
        // Random parts hold every class, in roughly the overall proportion (10 % each; 500 images: ± 5 points is > 3 σ).
        Assert.All(iid, part => Assert.All(Enumerable.Range(0, 10), c =>
            Assert.InRange(part.Count(i => train.Labels[i] == c) / (double)part.Length, 0.05, 0.15)));
        Assert.NotEqual(iid[0], CollabBenchmark.Split("iid", train, seed: 2)[0]);
        foreach (int[][] parts in new[] { byClass, iid })
        {
            Assert.Equal(Enumerable.Range(0, train.Count), parts.SelectMany(p => p).Order());
        }
        Assert.Throws<ArgumentException>(() => CollabBenchmark.Split("by-owner", train, 1));
    }

    [Fact]
    public async Task Owners_who_each_hold_a_few_classes_gain_by_training_together()
    {
        var figures = new List<BenchResult>();
        var settings = new CollabBenchmark.Settings(["mlp"], [AccuracyBenchmark.Variant.Parse("off")], ["by-class"], Epochs: 2,
            TrainLimit: 3000, TestLimit: 1000, Seed: 1, Schedule: "cosine");
        Assert.Equal(0, await CollabBenchmark.RunAsync(figures.Add, settings, CancellationToken.None));

        Assert.Equal(
            ["collab.by-class.mlp.off.solo.owner1.test_accuracy", "collab.by-class.mlp.off.solo.owner2.test_accuracy",
             "collab.by-class.mlp.off.solo.owner3.test_accuracy", "collab.by-class.mlp.off.joint.test_accuracy"],
            figures.Select(f => f.Name));
        // An owner who never saw 6 or 7 of the 10 classes is right on at most the 40 % or 30 % of test images of their
        // own classes; the joint model sees all ten.
        Assert.All(figures.Take(3), (f, o) => Assert.InRange(f.Value, 0, 100.0 * CollabBenchmark.ClassesByOwner[o].Length / 10 + 1));
        BenchResult joint = figures[^1];
        Assert.True(joint.Value > 55, $"joint accuracy {joint.Value} %");
        Assert.Equal(figures.Take(3).MaxBy(f => f.Value)!.Name, joint.RatioTo);
        Assert.True(joint.Ratio > 1.3);
    }
}
