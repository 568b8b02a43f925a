using System.Text.Json;
using Imguard.Cli.Client;
using Imguard.Client.Platform;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;

namespace Imguard.Cli.Tests.Client;

/// <summary>
/// <c>imguard train</c> prints the expected accuracy the platform serves beside its cost, and a plain warning when it
/// is poor; the estimate (one record, Contracts' JobEstimate), as the platform sends it, reads back with every field.
/// </summary>
public sealed class JobEstimateTextTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The platform's estimate of <paramref name="options"/> on 60,000 Fashion-MNIST images, through JSON as the CLI receives it.</summary>
    private static JobEstimate Received(ModelSpec spec, TrainingOptions options, int trainingImages = 60000)
    {
        var estimate = new JobEstimate(options.Epochs, 469, 469L * options.Epochs, 40, 0, 1_000_000, 2000, 120, 3_000_000, 100_000, 10_000, 0,
            5_000_000, 9_000_000, 0.25)
        {
            ExpectedAccuracy = AccuracyTable.Measured.Expect(spec, options, trainingImages),
        };
        return JsonSerializer.Deserialize<JobEstimate>(JsonSerializer.Serialize(estimate, Web), Web)!;
    }

    [Fact]
    public void A_poor_setting_is_printed_with_its_figure_the_no_hiding_figure_and_a_warning()
    {
        var received = Received(ModelSpec.Mlp, new TrainingOptions { Epochs = 1, Hiding = new InstaHideOptions(HidingMode.InstaHide, 4) });
        var lines = JobEstimateText.Lines(received).ToList();

        Assert.Equal(3, lines.Count);
        Assert.StartsWith("estimate: 469 steps (1 × 469)", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("accuracy: Expected test accuracy about ", lines[1], StringComparison.Ordinal);
        Assert.Contains("(without hiding: ", lines[1], StringComparison.Ordinal);
        Assert.Contains("Fashion-MNIST", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("warning: Poor: ", lines[2], StringComparison.Ordinal);
        Assert.True(received.ExpectedAccuracy!.Poor);
        // Only the README's size is measured for InstaHide without |x|: the nearest, and the basis says so.
        Assert.Equal(4096, received.ExpectedAccuracy.MeasuredTrainingImages);
        Assert.Contains("This job has 60,000 training images; 4,096 is the nearest measured size.", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_on_the_readmes_data_have_no_warning_and_an_older_platform_only_the_cost()
    {
        var options = new TrainingOptions
        {
            Epochs = JobDefaults.Epochs, BatchSize = JobDefaults.BatchSize, LearningRate = JobDefaults.LearningRate, Momentum = JobDefaults.Momentum,
            Hiding = new InstaHideOptions(HidingMode.Mixup, JobDefaults.K),
        };
        Assert.Equal(HidingModes.Mixup, JobDefaults.Hiding);
        var received = Received(ModelSpec.PresetFor(JobDefaults.Model, HidingMode.Mixup), options, 4096);
        var lines = JobEstimateText.Lines(received).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Matches(@"^accuracy: Expected test accuracy about \d+ % \(without hiding: \d+ %\)\. Measured on Fashion-MNIST: mlp, Mixup k = 2, 4,096 training images, 5 epochs, clean test images", lines[1]);
        Assert.DoesNotContain("differ", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.StartsWith("warning:", StringComparison.Ordinal));

        Assert.Single(JobEstimateText.Lines(received with { ExpectedAccuracy = null }));

        // InstaHide, one option away, with the same k: its figure in sight (about 54 %, poor, for the mlp with |x| first).
        var instaHide = AccuracyTable.Measured.Expect(ModelSpec.PresetFor(JobDefaults.Model, HidingMode.InstaHide),
            options with { Hiding = new InstaHideOptions(HidingMode.InstaHide, JobDefaults.K) }, 4096);
        var alternative = JsonSerializer.Deserialize<ExpectedAccuracy>(JsonSerializer.Serialize(instaHide, Web), Web)!;
        var withAlternative = JobEstimateText.Lines(received, alternative, JobDefaults.K).ToList();
        Assert.Equal(3, withAlternative.Count);
        Assert.Equal($"with --hiding instahide --k 2: about {Math.Round(instaHide.Percent!.Value, MidpointRounding.AwayFromZero)} %" + (instaHide.Poor ? " (poor)." : "."), withAlternative[2]);
        Assert.True(alternative.Poor);
        Assert.Equal(2, JobEstimateText.Lines(received, alternative with { Measured = false, Percent = null }, 2).Count());
    }
}
