using System.Globalization;
using System.Text.Json;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;

namespace Imguard.Learning.Training;

/// <summary>
/// The measured test accuracies of docs/accuracy.md, read from the one source of them, docs/accuracy.jsonl (the lines
/// <c>imguard bench accuracy --json</c> printed), which this assembly embeds: what the platform's estimate, the web form
/// and <c>imguard train</c> tell a person before a job starts. A figure is
/// <c>plain.accuracy.{model}.{hiding}[.{schedule}].n{training images}.epoch{E}.t{T}</c>: the mlp or cnn preset on
/// Fashion-MNIST, a hiding variant (off, mixup_kK, instahide_kK, with "_abs" when the model starts with |x|), the
/// learning-rate schedule (none named: constant; "cosine": a run of E epochs annealed over those E), after E epochs, on
/// clean test images (T = 0) or by T test-time encodings. Other lines (timings, secure spot checks) are kept in the file
/// for the record and ignored here.
/// </summary>
public sealed class AccuracyTable
{
    /// <summary>A figure more than this many points below training without hiding is poor.</summary>
    public const double PoorMarginPoints = 5;

    /// <summary>The other schedule is named when its figure for the same cell is more than this many points higher.</summary>
    public const double BetterScheduleMarginPoints = 1;

    /// <summary>A figure under this percentage is poor, whatever training without hiding reaches.</summary>
    public const double PoorBelowPercent = 50;

    /// <summary>The settings every figure was measured with (<c>bench accuracy</c>: the product's defaults); the schedule is part of each figure's name.</summary>
    public const int MeasuredBatchSize = 128;

    public const double MeasuredLearningRate = 0.05;

    public const double MeasuredMomentum = 0.9;

    /// <summary>The embedded resource's name (docs/accuracy.jsonl; see the project file).</summary>
    public const string ResourceName = "Imguard.Learning.accuracy.jsonl";

    private static readonly Lazy<AccuracyTable> Embedded = new(() =>
    {
        using var stream = typeof(AccuracyTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The accuracy table {ResourceName} is not embedded in {typeof(AccuracyTable).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    private readonly Dictionary<Key, double> _figures;

    private AccuracyTable(Dictionary<Key, double> figures) => _figures = figures;

    /// <summary>The table this build carries (docs/accuracy.jsonl).</summary>
    public static AccuracyTable Measured => Embedded.Value;

    /// <summary>Every figure, in no particular order.</summary>
    public IEnumerable<(string Model, string Hiding, string Schedule, int TrainingImages, int Epochs, int TestEncodings, double Percent)> Figures =>
        _figures.Select(f => (f.Key.Model, f.Key.Hiding, f.Key.Schedule, f.Key.TrainingImages, f.Key.Epochs, f.Key.TestEncodings, f.Value));

    /// <summary>Reads bench lines; a line that is not a figure of this table is skipped, a malformed one refused.</summary>
    public static AccuracyTable Parse(string jsonLines)
    {
        ArgumentNullException.ThrowIfNull(jsonLines);
        var figures = new Dictionary<Key, double>();
        int number = 0;
        foreach (string raw in jsonLines.Split('\n'))
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            string name;
            double value;
            try
            {
                using var doc = JsonDocument.Parse(line);
                name = doc.RootElement.GetProperty("name").GetString() ?? "";
                value = doc.RootElement.GetProperty("value").GetDouble();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw LearningError.InvalidData($"Accuracy table line {number} is not a bench figure: {e.Message}", e);
            }
            if (Key.TryParse(name, out var key))
            {
                figures[key] = value;   // a later measurement of the same cell replaces an earlier one
            }
        }
        return new AccuracyTable(figures);
    }

    /// <summary>
    /// What the job <paramref name="job"/> describes (its model spec and training options, as the parties read them) on
    /// <paramref name="trainingCount"/> training images can be expected to reach, or why the table cannot say.
    /// </summary>
    public ExpectedAccuracy Expect(JobDescription job, int trainingCount)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Expect(JobTraining.Spec(job), JobTraining.Options(job), trainingCount);
    }

    /// <summary>
    /// What a job with <paramref name="spec"/> and <paramref name="options"/> on <paramref name="trainingCount"/> training
    /// images can be expected to reach, or why the table cannot say.
    /// </summary>
    public ExpectedAccuracy Expect(ModelSpec spec, TrainingOptions options, int trainingCount)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        const string fashion = "The figures are measured on Fashion-MNIST (1×28×28 grey images, 10 classes).";
        if (spec.Input is not [1, 28, 28] || spec.Classes != 10)
        {
            return None("No measurement for this kind of data.", fashion);
        }
        if (PresetOf(spec) is not { } preset)
        {
            return None("No measurement for a custom model.", "The figures are for the mlp and cnn presets (with |x| first under InstaHide).");
        }
        var hiding = options.Hiding;
        string variant = VariantName(hiding, preset.Abs);
        var measuredRows = _figures.Keys.Where(k => k.Model == preset.Name && k.Hiding == variant).ToList();
        if (measuredRows.Count == 0)
        {
            var measured = _figures.Keys.Where(k => k.Model == preset.Name && k.Hiding != "off").Select(k => k.Hiding).Distinct().OrderBy(VariantOrder).Select(Describe);
            return None($"No measurement for {preset.Name} with {Describe(variant)}.", $"Measured for {preset.Name}: without hiding, {string.Join(", ", measured)}.");
        }
        if (hiding.Mode != HidingMode.Off && hiding.UpperBound != InstaHideOptions.DefaultUpperBound)
        {
            return None($"No measurement for {preset.Name} with {Describe(variant)} and a coefficient bound other than {InstaHideOptions.DefaultUpperBound.ToString(CultureInfo.InvariantCulture)}.", fashion);
        }
        // The nearest measured training-set size first (it moves a figure more than the schedule does), then the job's
        // own schedule where that size has it, else the constant rate's figures, named in the basis as a difference.
        int images = measuredRows.Select(k => k.TrainingImages).Distinct()
            .OrderBy(n => Math.Abs(Math.Log((double)n / Math.Max(trainingCount, 1)))).ThenByDescending(n => n).First();
        var schedules = measuredRows.Where(k => k.TrainingImages == images).Select(k => k.Schedule).ToHashSet();
        string schedule = schedules.Contains(options.Schedule.Kind) ? options.Schedule.Kind
            : schedules.Contains(LearningRateSchedule.Constant.Kind) ? LearningRateSchedule.Constant.Kind
            : schedules.Order(StringComparer.Ordinal).First();
        var rows = measuredRows.Where(k => k.TrainingImages == images && k.Schedule == schedule).ToList();
        int t = options.TestEncodings == 0 ? 0
            : rows.Where(k => k.TestEncodings > 0).Select(k => k.TestEncodings).Distinct().OrderBy(m => Math.Abs(m - options.TestEncodings)).FirstOrDefault(-1);
        var sameSize = rows.Where(k => k.TestEncodings == t).ToList();
        if (t < 0 || sameSize.Count == 0)
        {
            return None($"No measurement for {preset.Name} with {Describe(variant)} and test-time encodings.", fashion);
        }
        int epochs = sameSize.Select(k => k.Epochs).Where(e => e <= options.Epochs).DefaultIfEmpty(sameSize.Min(k => k.Epochs)).Max();
        double percent = _figures[new Key(preset.Name, variant, schedule, images, epochs, t)];
        double? without = hiding.Mode == HidingMode.Off && !preset.Abs ? percent : Baseline(preset.Name, schedule, images, epochs);
        bool poor = percent < PoorBelowPercent || (without is { } w && percent < w - PoorMarginPoints);

        string figure = $"about {Whole(percent)} %";
        string summary = without is { } off && !(hiding.Mode == HidingMode.Off && !preset.Abs)
            ? $"Expected test accuracy {figure} (without hiding: {Whole(off)} %)."
            : $"Expected test accuracy {figure}.";
        string? warning = null;
        if (poor)
        {
            string gap = without is { } o && percent < o - PoorMarginPoints ? $"{Whole(o - percent)} points below training without hiding" : $"under {PoorBelowPercent:0} %";
            warning = $"Poor: {figure}, {gap}. A model this inaccurate is of little use. More epochs or training images, "
                + "or a milder setting (Mixup, or a smaller k), usually do better; docs/accuracy.md lists what was measured.";
        }
        string basis = BasisOf(preset.Name, variant, schedule, images, epochs, t, options, trainingCount);
        // Neither schedule wins everywhere (the cnn, still learning after 20 epochs at this size, does better at a
        // constant rate): say so where the other one measured clearly higher for the same cell.
        string other = schedule == LearningRateSchedule.Cosine.Kind ? LearningRateSchedule.Constant.Kind : LearningRateSchedule.Cosine.Kind;
        if (_figures.TryGetValue(new Key(preset.Name, variant, other, images, epochs, t), out double alternative) && alternative > percent + BetterScheduleMarginPoints)
        {
            string name = other == LearningRateSchedule.Constant.Kind ? "A constant learning rate" : "A cosine schedule";
            basis += $" {name} measured higher for these settings: about {Whole(alternative)} % (schedule {other}).";
        }
        return new ExpectedAccuracy(true, percent, without, poor, summary, warning, basis, epochs, images, t);
    }

    /// <summary>
    /// The table as docs/accuracy.md shows it: per model, schedule and training-set size (the product's cosine schedule
    /// first), one row per hiding variant and one column per measured epoch count, each cell the clean test accuracy
    /// and, where measured, the T-encoding one.
    /// </summary>
    public string ToMarkdown()
    {
        var text = new System.Text.StringBuilder();
        foreach (var group in _figures.Keys.GroupBy(k => (k.Model, k.Schedule, k.TrainingImages))
            .OrderBy(g => g.Key.Model == "mlp" ? 0 : 1).ThenBy(g => g.Key.Schedule == LearningRateSchedule.Cosine.Kind ? 0 : 1).ThenBy(g => g.Key.Schedule)
            .ThenByDescending(g => g.Key.TrainingImages))
        {
            int[] epochs = [.. group.Select(k => k.Epochs).Distinct().Order()];
            string schedule = group.Key.Schedule == LearningRateSchedule.Constant.Kind ? "constant rate" : $"{group.Key.Schedule} schedule";
            text.Append(CultureInfo.InvariantCulture, $"#### {group.Key.Model}, {group.Key.TrainingImages:N0} training images, {schedule}\n\n");
            text.Append("| hiding | " + string.Join(" | ", epochs.Select(e => $"{e} epoch{(e == 1 ? "" : "s")}")) + " |\n");
            text.Append("|---|" + string.Concat(epochs.Select(_ => "---:|")) + "\n");
            foreach (string variant in group.Select(k => k.Hiding).Distinct().OrderBy(VariantOrder))
            {
                // "|x|" would end the cell: markdown escapes a pipe inside a table.
                text.Append(CultureInfo.InvariantCulture, $"| {Describe(variant).Replace("|", "\\|", StringComparison.Ordinal)} |");
                foreach (int e in epochs)
                {
                    var cells = group.Where(k => k.Hiding == variant && k.Epochs == e).OrderBy(k => k.TestEncodings)
                        .Select(k => k.TestEncodings == 0 ? Percent(_figures[k]) : $"T={k.TestEncodings}: {Percent(_figures[k])}").ToList();
                    text.Append(' ').Append(cells.Count == 0 ? "—" : string.Join(" · ", cells)).Append(" |");
                }
                text.Append('\n');
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Percent(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static (int, int, int) VariantOrder(string variant)
    {
        bool abs = variant.EndsWith("_abs", StringComparison.Ordinal);
        string core = abs ? variant[..^4] : variant;
        int mode = core == "off" ? 0 : core.StartsWith("mixup", StringComparison.Ordinal) ? 1 : 2;
        int k = int.TryParse(core[(core.LastIndexOf('k') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) ? parsed : 0;
        return (mode, k, abs ? 1 : 0);
    }

    private double? Baseline(string model, string schedule, int images, int epochs)
    {
        var off = _figures.Keys.Where(k => k.Model == model && k.Hiding == "off" && k.Schedule == schedule && k.TrainingImages == images && k.TestEncodings == 0 && k.Epochs <= epochs).ToList();
        return off.Count == 0 ? null : _figures[off.MaxBy(k => k.Epochs)!];
    }

    private static string BasisOf(string model, string variant, string schedule, int images, int epochs, int t, TrainingOptions options, int trainingCount)
    {
        string rate = schedule == LearningRateSchedule.Constant.Kind ? $"constant learning rate {MeasuredLearningRate}" : $"learning rate {MeasuredLearningRate} on a {schedule} schedule";
        var parts = new List<string>
        {
            $"Measured on Fashion-MNIST: {model}, {Describe(variant)}, {images:N0} training images, {epochs} epoch{(epochs == 1 ? "" : "s")}, "
            + (t == 0 ? "clean test images" : $"{t} test-time encodings") + $", batch {MeasuredBatchSize}, {rate}, momentum {MeasuredMomentum}; "
            + "trained in plaintext with the layer code the parties run on shares (secure training came within about 1 point of it).",
        };
        if (images != trainingCount)
        {
            parts.Add($"This job has {trainingCount:N0} training images; {images:N0} is the nearest measured size.");
        }
        if (epochs != options.Epochs)
        {
            parts.Add(epochs < options.Epochs
                ? $"{options.Epochs} epochs were not measured; this is the figure after {epochs}, and more epochs usually add a little."
                : $"The fewest epochs measured is {epochs}; {options.Epochs} will give less.");
        }
        if (t > 0 && t != options.TestEncodings)
        {
            parts.Add($"Measured with T = {t}, this job has T = {options.TestEncodings}.");
        }
        var differ = new List<string>();
        if (options.BatchSize != MeasuredBatchSize) differ.Add($"batch {options.BatchSize}");
        if (options.LearningRate != MeasuredLearningRate) differ.Add($"learning rate {options.LearningRate.ToString(CultureInfo.InvariantCulture)}");
        if (options.Momentum != MeasuredMomentum) differ.Add($"momentum {options.Momentum.ToString(CultureInfo.InvariantCulture)}");
        if (options.WeightDecay != 0) differ.Add($"weight decay {options.WeightDecay.ToString(CultureInfo.InvariantCulture)}");
        if (options.Schedule.Kind != schedule) differ.Add(options.Schedule.Kind == LearningRateSchedule.Constant.Kind ? "constant rate" : $"{options.Schedule.Kind} schedule");
        if (differ.Count > 0)
        {
            parts.Add($"This job's {string.Join(", ", differ)} differ{(differ.Count == 1 ? "s" : "")} from the measured settings: take the figure as a rough guide.");
        }
        return string.Join(" ", parts);
    }

    private static ExpectedAccuracy None(string summary, string basis) => new(false, null, null, false, summary, null, basis);

    /// <summary>The table's name of a hiding setting: off, mixup_kK, instahide_kK, with "_abs" when the model starts with |x|.</summary>
    public static string VariantName(InstaHideOptions hiding, bool absFirst)
    {
        ArgumentNullException.ThrowIfNull(hiding);
        return (hiding.Mode switch
        {
            HidingMode.Off => "off",
            HidingMode.Mixup => $"mixup_k{hiding.K}",
            _ => $"instahide_k{hiding.K}",
        }) + (absFirst ? "_abs" : "");
    }

    /// <summary>A variant name for people: "InstaHide k = 4 with |x| first".</summary>
    public static string Describe(string variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        bool abs = variant.EndsWith("_abs", StringComparison.Ordinal);
        string core = abs ? variant[..^4] : variant;
        string text = core == "off" ? "no hiding"
            : core.StartsWith("mixup_k", StringComparison.Ordinal) ? $"Mixup k = {core[7..]}"
            : core.StartsWith("instahide_k", StringComparison.Ordinal) ? $"InstaHide k = {core[11..]}"
            : core;
        return abs ? $"{text} with |x| first" : text;
    }

    /// <summary>Which preset <paramref name="spec"/> is (as fitted to Fashion-MNIST), and whether |x| comes first; null for any other model.</summary>
    public static (string Name, bool Abs)? PresetOf(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var layers = spec.Layers.Select(l => l with { Type = l.Type?.ToLowerInvariant() ?? "" }).ToList();
        bool abs = layers.Count > 0 && layers[0].Type == "abs";
        var rest = abs ? layers.Skip(1).ToList() : layers;
        foreach (string name in new[] { "mlp", "cnn" })
        {
            var preset = ModelSpec.Preset(name);
            if (spec.Input.SequenceEqual(preset.Input) && spec.Classes == preset.Classes && rest.SequenceEqual(preset.Layers))
            {
                return (name, abs);
            }
        }
        return null;
    }

    private static string Whole(double percent) => Math.Round(percent, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture);

    private readonly record struct Key(string Model, string Hiding, string Schedule, int TrainingImages, int Epochs, int TestEncodings)
    {
        private const string Prefix = "plain.accuracy.";

        public static bool TryParse(string name, out Key key)
        {
            key = default;
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return false;
            }
            var parts = name[Prefix.Length..].Split('.').ToList();
            // A named schedule sits after the variant; the table keeps the ones a job can ask for (cosine), not step
            // variants, whose name carries their parameters.
            string schedule = LearningRateSchedule.Constant.Kind;
            if (parts.Count == 6)
            {
                schedule = parts[2];
                parts.RemoveAt(2);
                if (schedule != LearningRateSchedule.Cosine.Kind)
                {
                    return false;
                }
            }
            if (parts.Count != 5 || !parts[2].StartsWith('n') || !parts[3].StartsWith("epoch", StringComparison.Ordinal) || !parts[4].StartsWith('t')
                || !int.TryParse(parts[2][1..], NumberStyles.None, CultureInfo.InvariantCulture, out int images)
                || !int.TryParse(parts[3][5..], NumberStyles.None, CultureInfo.InvariantCulture, out int epochs)
                || !int.TryParse(parts[4][1..], NumberStyles.None, CultureInfo.InvariantCulture, out int t))
            {
                return false;
            }
            key = new Key(parts[0], parts[1], schedule, images, epochs, t);
            return true;
        }
    }
}
