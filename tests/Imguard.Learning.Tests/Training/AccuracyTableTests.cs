using Imguard.Contracts.Jobs;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;

namespace Imguard.Learning.Tests.Training;

/// <summary>
/// The expected-accuracy table: the embedded copy is docs/accuracy.jsonl, docs/accuracy.md shows exactly its figures,
/// the product's defaults come within 5 points of training without hiding on the README's flow, and the look-up picks
/// the right row, the no-hiding figure and the right words for poor, unmeasured and differing settings.
/// </summary>
public sealed class AccuracyTableTests
{
    private static string Docs(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Imguard.slnx")))
            {
                return Path.Combine(dir.FullName, "docs", name);
            }
        }
        throw new InvalidOperationException("The repository root (Imguard.slnx) was not found above the test's folder.");
    }

    [Fact]
    public void The_embedded_table_is_docs_accuracy_jsonl()
    {
        var file = AccuracyTable.Parse(File.ReadAllText(Docs("accuracy.jsonl")));
        Assert.Equal(file.Figures.Order(), AccuracyTable.Measured.Figures.Order());
        Assert.NotEmpty(AccuracyTable.Measured.Figures);
    }

    [Fact]
    public void Docs_accuracy_md_shows_exactly_the_tables_of_the_jsonl()
    {
        string markdown = File.ReadAllText(Docs("accuracy.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        const string begin = "<!-- tables: imguard bench accuracy --table docs/accuracy.jsonl -->\n", end = "<!-- end of tables -->";
        int from = markdown.IndexOf(begin, StringComparison.Ordinal);
        int to = markdown.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "docs/accuracy.md marks its generated tables");
        Assert.Equal(AccuracyTable.Measured.ToMarkdown(), markdown[(from + begin.Length)..to]);
    }

    [Theory]
    [InlineData(4096)]    // the README's CLI flow
    [InlineData(5000)]    // the browser test's
    [InlineData(60000)]   // all of Fashion-MNIST
    public void The_job_defaults_come_within_5_points_of_training_without_hiding(int trainingImages)
    {
        var hiding = new InstaHideOptions(JobHiding(JobDefaults.Hiding), JobDefaults.K);
        var spec = ModelSpec.PresetFor(JobDefaults.Model, hiding.Mode);
        var options = new TrainingOptions
        {
            Epochs = JobDefaults.Epochs, BatchSize = JobDefaults.BatchSize, LearningRate = JobDefaults.LearningRate, Momentum = JobDefaults.Momentum, Hiding = hiding,
            Schedule = LearningRateSchedule.Parse(JobDefaults.Schedule),
        };
        var expected = AccuracyTable.Measured.Expect(spec, options, trainingImages);

        Assert.True(expected.Measured, expected.Summary);
        Assert.Equal(JobDefaults.Epochs, expected.MeasuredEpochs);
        Assert.Contains($"on a {JobDefaults.Schedule} schedule", expected.Basis, StringComparison.Ordinal);   // measured as the defaults train
        Assert.DoesNotContain("differ", expected.Basis, StringComparison.Ordinal);
        Assert.False(expected.Poor, expected.Warning);
        Assert.InRange(expected.WithoutHidingPercent!.Value - expected.Percent!.Value, double.NegativeInfinity, AccuracyTable.PoorMarginPoints);
        Assert.Null(expected.Warning);
    }

    /// <summary>
    /// The grid at the README's size: epochs {1, 2, 5, 20}, clean and T = 16 (hiding on only), under the constant
    /// rate and under the product's cosine schedule for every variant a preset can train with.
    /// </summary>
    [Theory]
    [InlineData("mlp", "off", "constant")]
    [InlineData("mlp", "mixup_k2", "constant")]
    [InlineData("mlp", "mixup_k4", "constant")]
    [InlineData("mlp", "instahide_k2_abs", "constant")]
    [InlineData("mlp", "instahide_k4_abs", "constant")]
    [InlineData("mlp", "instahide_k4", "constant")]
    [InlineData("cnn", "off", "constant")]
    [InlineData("cnn", "mixup_k2", "constant")]
    [InlineData("cnn", "mixup_k4", "constant")]
    [InlineData("cnn", "instahide_k4_abs", "constant")]
    [InlineData("mlp", "off", "cosine")]
    [InlineData("mlp", "mixup_k2", "cosine")]
    [InlineData("mlp", "mixup_k4", "cosine")]
    [InlineData("mlp", "instahide_k2_abs", "cosine")]
    [InlineData("mlp", "instahide_k4_abs", "cosine")]
    [InlineData("cnn", "off", "cosine")]
    [InlineData("cnn", "mixup_k2", "cosine")]
    [InlineData("cnn", "mixup_k4", "cosine")]
    [InlineData("cnn", "instahide_k2_abs", "cosine")]
    [InlineData("cnn", "instahide_k4_abs", "cosine")]
    public void The_readme_sized_grid_is_measured(string model, string variant, string schedule)
    {
        var cells = AccuracyTable.Measured.Figures.Where(f => f.Model == model && f.Hiding == variant && f.Schedule == schedule && f.TrainingImages == 4096)
            .Select(f => (f.Epochs, f.TestEncodings)).ToHashSet();
        foreach (int epochs in new[] { 1, 2, 5, 20 })
        {
            Assert.Contains((epochs, 0), cells);
            if (variant != "off")
            {
                Assert.Contains((epochs, 16), cells);
            }
        }
    }

    private const string Synthetic = """
        {"name":"plain.accuracy.mlp.off.n60000.epoch1.t0","value":84,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.off.n60000.epoch5.t0","value":87,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.off.n60000.seconds_per_epoch","value":7,"unit":"s","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.instahide_k4_abs.n60000.epoch1.t0","value":40.5,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.instahide_k4_abs.n60000.epoch1.t16","value":35,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.instahide_k4_abs.n60000.epoch5.t0","value":83,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.mixup_k2.n60000.epoch5.t0","value":83,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.off.n4096.epoch5.t0","value":80,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.instahide_k4_abs.n4096.epoch5.t0","value":60,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"secure.epochs5.fashion_mnist.mlp.test_accuracy","value":86,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.off.cosine.n60000.epoch5.t0","value":89,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.mixup_k2.cosine.n60000.epoch5.t0","value":88,"unit":"%","ratio_to":null,"ratio":null}
        {"name":"plain.accuracy.mlp.mixup_k2.step_2_0p5.n60000.epoch5.t0","value":11,"unit":"%","ratio_to":null,"ratio":null}
        """;

    private static readonly AccuracyTable Table = AccuracyTable.Parse(Synthetic);

    private static readonly ModelSpec AbsMlp = ModelSpec.PresetFor("mlp", HidingMode.InstaHide);

    private static TrainingOptions InstaHide(int epochs, int t = 0) => new() { Epochs = epochs, Hiding = InstaHideOptions.Default, TestEncodings = t };

    [Fact]
    public void A_figure_comes_with_the_no_hiding_figure_after_the_same_epochs()
    {
        var expected = Table.Expect(AbsMlp, InstaHide(5), 60000);
        Assert.True(expected.Measured);
        Assert.Equal(83, expected.Percent);
        Assert.Equal(87, expected.WithoutHidingPercent);
        Assert.False(expected.Poor);
        Assert.Equal("Expected test accuracy about 83 % (without hiding: 87 %).", expected.Summary);
        Assert.Null(expected.Warning);
        Assert.Contains("Measured on Fashion-MNIST: mlp, InstaHide k = 4 with |x| first, 60,000 training images, 5 epochs, clean test images", expected.Basis, StringComparison.Ordinal);
        Assert.DoesNotContain("differ", expected.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_5_points_below_no_hiding_or_under_50_percent_is_poor_and_says_so_plainly()
    {
        var oneEpoch = Table.Expect(AbsMlp, InstaHide(1), 60000);
        Assert.True(oneEpoch.Poor);
        Assert.Equal(40.5, oneEpoch.Percent);
        Assert.Equal("Poor: about 41 %, 44 points below training without hiding. A model this inaccurate is of little use. More epochs or training images, "
            + "or a milder setting (Mixup, or a smaller k), usually do better; docs/accuracy.md lists what was measured.", oneEpoch.Warning);

        var mixup = Table.Expect(ModelSpec.Mlp, new TrainingOptions { Epochs = 5, Hiding = new InstaHideOptions(HidingMode.Mixup, 2) }, 60000);
        Assert.False(mixup.Poor);   // 83 against 87: 4 points below, within the 5-point margin
        Assert.Equal(83, mixup.Percent);
        var small = Table.Expect(AbsMlp, InstaHide(5), 4096);
        Assert.True(small.Poor);    // 60 against 80
        Assert.Equal(4096, small.MeasuredTrainingImages);
    }

    [Fact]
    public void Unmeasured_epochs_sizes_test_encodings_and_settings_are_named_in_the_basis()
    {
        var eight = Table.Expect(AbsMlp, InstaHide(8) with { BatchSize = 64, LearningRate = 0.1 }, 50000);
        Assert.Equal(5, eight.MeasuredEpochs);
        Assert.Equal(60000, eight.MeasuredTrainingImages);
        Assert.Contains("8 epochs were not measured; this is the figure after 5", eight.Basis, StringComparison.Ordinal);
        Assert.Contains("This job has 50,000 training images; 60,000 is the nearest measured size.", eight.Basis, StringComparison.Ordinal);
        Assert.Contains("This job's batch 64, learning rate 0.1 differ from the measured settings", eight.Basis, StringComparison.Ordinal);

        var encoded = Table.Expect(AbsMlp, InstaHide(1, t: 8), 60000);
        Assert.Equal(35, encoded.Percent);
        Assert.Equal(16, encoded.MeasuredTestEncodings);
        Assert.Contains("Measured with T = 16, this job has T = 8.", encoded.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_data_custom_models_and_unmeasured_hiding_have_no_figure_and_say_why()
    {
        var other = Table.Expect(AbsMlp with { Input = [3, 32, 32] }, InstaHide(5), 60000);
        Assert.False(other.Measured);
        Assert.Null(other.Percent);
        Assert.Equal("No measurement for this kind of data.", other.Summary);
        Assert.Equal("The figures are measured on Fashion-MNIST (1×28×28 grey images, 10 classes).", other.Basis);

        var custom = Table.Expect(ModelSpec.Mlp with { Layers = [.. ModelSpec.Mlp.Layers.Take(3), new LayerSpec("linear", Out: 10)] }, InstaHide(5), 60000);
        Assert.Equal("No measurement for a custom model.", custom.Summary);

        var k3 = Table.Expect(AbsMlp, new TrainingOptions { Epochs = 5, Hiding = new InstaHideOptions(HidingMode.InstaHide, 3) }, 60000);
        Assert.False(k3.Measured);
        Assert.Equal("No measurement for mlp with InstaHide k = 3 with |x| first.", k3.Summary);
        Assert.Equal("Measured for mlp: without hiding, Mixup k = 2, InstaHide k = 4 with |x| first.", k3.Basis);

        var bound = Table.Expect(AbsMlp, new TrainingOptions { Epochs = 5, Hiding = new InstaHideOptions(HidingMode.InstaHide, 4, 0.8) }, 60000);
        Assert.False(bound.Measured);
        Assert.Null(bound.Percent);
        Assert.Contains("a coefficient bound other than 0.65", bound.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_spec_equal_to_a_preset_is_that_preset_and_other_lines_are_ignored()
    {
        Assert.Equal(("mlp", true), AccuracyTable.PresetOf(ModelSpec.Parse(AbsMlp.ToJson().Replace("\"abs\"", "\"ABS\"", StringComparison.Ordinal))));
        Assert.Equal(("cnn", false), AccuracyTable.PresetOf(ModelSpec.Cnn));
        Assert.Null(AccuracyTable.PresetOf(ModelSpec.Cnn with { Layers = [.. ModelSpec.Cnn.Layers.Skip(1)] }));
        Assert.Equal(10, Table.Figures.Count());   // neither the timing, the secure line nor the step schedule is a figure
        Assert.Throws<InvalidDataException>(() => AccuracyTable.Parse("{\"name\": 3}"));
    }

    [Fact]
    public void A_job_gets_the_figures_of_its_own_schedule_and_else_the_constant_rate_s_named_as_differing()
    {
        var mixup = new InstaHideOptions(HidingMode.Mixup, 2);
        var cosine = Table.Expect(ModelSpec.Mlp, new TrainingOptions { Epochs = 5, Hiding = mixup, Schedule = LearningRateSchedule.Cosine }, 60000);
        Assert.Equal(88, cosine.Percent);
        Assert.Equal(89, cosine.WithoutHidingPercent);   // the no-hiding figure of the same schedule
        Assert.Contains("learning rate 0.05 on a cosine schedule", cosine.Basis, StringComparison.Ordinal);
        Assert.DoesNotContain("differ", cosine.Basis, StringComparison.Ordinal);

        Assert.DoesNotContain("measured higher", cosine.Basis, StringComparison.Ordinal);

        var constant = Table.Expect(ModelSpec.Mlp, new TrainingOptions { Epochs = 5, Hiding = mixup }, 60000);
        Assert.Equal(83, constant.Percent);
        Assert.Equal(87, constant.WithoutHidingPercent);
        Assert.Contains("constant learning rate 0.05", constant.Basis, StringComparison.Ordinal);
        Assert.EndsWith(" A cosine schedule measured higher for these settings: about 88 % (schedule cosine).", constant.Basis, StringComparison.Ordinal);

        // InstaHide was measured at the constant rate only here: its figure, with the schedule named as a difference.
        var instaHide = Table.Expect(AbsMlp, InstaHide(5) with { Schedule = LearningRateSchedule.Cosine }, 60000);
        Assert.Equal(83, instaHide.Percent);
        Assert.Equal(87, instaHide.WithoutHidingPercent);
        Assert.Contains("This job's cosine schedule differs from the measured settings", instaHide.Basis, StringComparison.Ordinal);
        var step = Table.Expect(ModelSpec.Mlp, new TrainingOptions { Epochs = 5, Hiding = mixup, Schedule = LearningRateSchedule.Step(2, 0.5) }, 60000);
        Assert.Equal(83, step.Percent);
        Assert.Contains("This job's step schedule differs", step.Basis, StringComparison.Ordinal);
    }

    private static HidingMode JobHiding(string name) => name switch
    {
        HidingModes.Off => HidingMode.Off,
        HidingModes.Mixup => HidingMode.Mixup,
        _ => HidingMode.InstaHide,
    };
}
