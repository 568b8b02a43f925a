using System.CommandLine;

namespace Imguard.Cli.Bench;

/// <summary><c>imguard bench &lt;name&gt; [--json]</c>: benchmarks that report ratios measured in one run.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure IMGuard's figures; every figure is printed with its unit and, where it has one, the ratio to its baseline measured in the same run.");
        bench.Subcommands.Add(CreateMpc());
        bench.Subcommands.Add(CreateTrain());
        bench.Subcommands.Add(CreateAccuracy());
        bench.Subcommands.Add(CreateCollab());
        bench.Subcommands.Add(CreateParty());
        return bench;
    }

    private static Command CreateMpc()
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per line: {\"name\",\"value\",\"unit\",\"ratio_to\",\"ratio\"}." };
        var iterations = new Option<int>("--iterations") { Description = "Measured runs per operation (the median is reported).", DefaultValueFactory = _ => 15 };
        var threads = new Option<int>("--threads") { Description = "Threads per party process (both parties share this machine).", DefaultValueFactory = _ => 1 };
        var command = new Command("mpc", "The 2PC engine: secure matmul, truncation and ReLU between two party processes over mutual TLS 1.3 on 127.0.0.1, against plaintext.")
        {
            json, iterations, threads,
        };
        command.SetAction((parse, ct) => MpcBenchmark.RunAsync(parse.GetValue(json), Positive(parse.GetValue(iterations)), Positive(parse.GetValue(threads)), ct));
        return command;
    }

    private static Command CreateTrain()
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per line: {\"name\",\"value\",\"unit\",\"ratio_to\",\"ratio\"}." };
        var iterations = new Option<int>("--iterations") { Description = "Measured runs per figure (the median is reported).", DefaultValueFactory = _ => 3 };
        var epoch = new Option<bool>("--epoch") { Description = "Also train one secure epoch of Fashion-MNIST (mlp) and evaluate it securely (minutes); the same as --epochs 1." };
        var epochs = new Option<int>("--epochs") { Description = "Secure epochs of Fashion-MNIST (mlp) to train and evaluate against plaintext training with the same weights and batch order (about 35 s each).", DefaultValueFactory = _ => 0 };
        var instaHide = new Option<int>("--instahide-epochs") { Description = "Train the plaintext mlp with InstaHide (k = 4) for N epochs on Fashion-MNIST and report clean and T = 16 test-encoding accuracy (about 7 s per epoch).", DefaultValueFactory = _ => 0 };
        var bits = new Option<int>("--comparison-bits") { Description = "Bit width of the ReLU comparisons (32 is exact for |activation| < 32768 at f = 16).", DefaultValueFactory = _ => 32 };
        var epochsHiding = new Option<string>("--epochs-hiding")
        {
            Description = "Hiding of the --epochs run, secure and plaintext on the same plans: off, mixupK or instahideK, optionally with +abs (|x| first).",
            DefaultValueFactory = _ => "off",
        };
        var trainLimit = new Option<int>("--train-limit") { Description = "The --epochs run trains on the first N training images (0: all 60,000)." };
        var epochsSchedule = new Option<string>("--epochs-schedule")
        {
            Description = "Learning-rate schedule of the --epochs run, secure and plaintext alike: constant (as the earlier figures), cosine (the product's default) or step:EVERY:GAMMA.",
            DefaultValueFactory = _ => "constant",
        };
        var epochsOnly = new Option<bool>("--epochs-only") { Description = "Run only the --epochs (and --instahide-epochs) figures, not the step and inference timings." };
        var command = new Command("train", "Secure training steps and inference of the mlp and cnn presets over mutual TLS 1.3 on 127.0.0.1, against the plaintext engine; InstaHide encoding on shares.")
        {
            json, iterations, epoch, epochs, instaHide, bits, epochsHiding, epochsSchedule, trainLimit, epochsOnly,
        };
        command.SetAction((parse, ct) => TrainBenchmark.RunAsync(parse.GetValue(json), Positive(parse.GetValue(iterations)),
            Math.Max(parse.GetValue(epochs), parse.GetValue(epoch) ? 1 : 0), parse.GetValue(bits), ct, parse.GetValue(instaHide),
            parse.GetValue(epochsHiding)!, parse.GetValue(trainLimit), parse.GetValue(epochsOnly), parse.GetValue(epochsSchedule)!));
        return command;
    }

    private static Command CreateAccuracy()
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per line: {\"name\",\"value\",\"unit\",\"ratio_to\",\"ratio\"}." };
        var models = new Option<string>("--models") { Description = "Presets to train, comma-separated.", DefaultValueFactory = _ => "mlp,cnn" };
        var hiding = new Option<string>("--hiding")
        {
            Description = "Hiding variants, comma-separated: off, mixupK, instahideK (K images per encoding; 4 when left out), each optionally with +abs (|x| as the model's first layer).",
            DefaultValueFactory = _ => "off,mixup4,instahide2,instahide4",
        };
        var after = new Option<string>("--evaluate-after") { Description = "Epochs after which to evaluate, comma-separated; the run trains up to the largest (under cosine, one run per count).", DefaultValueFactory = _ => "1,2,5,20" };
        var encodings = new Option<string>("--test-encodings") { Description = "Test-time encodings T to evaluate with, comma-separated (0: clean test images; T > 0 only with hiding on).", DefaultValueFactory = _ => "0,16" };
        var ownMin = new Option<double>("--test-own-min") { Description = "Least own coefficient of a test-time encoding (0: as in training)." };
        var trainLimit = new Option<int>("--train-limit") { Description = "Train on the first N training images (0: all 60,000), standardised with their own statistics." };
        var testLimit = new Option<int>("--test-limit") { Description = "Evaluate on the first N test images (0: all 10,000)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initial weights, the hiding plans and the test encodings.", DefaultValueFactory = _ => 1 };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: cosine (the product's default), constant or step:EVERY:GAMMA.", DefaultValueFactory = _ => "cosine" };
        var table = new Option<string?>("--table") { Description = "Print the markdown tables of a file of these figures (docs/accuracy.jsonl) instead of measuring." };
        var command = new Command("accuracy", "Clean test accuracy of the mlp and cnn presets on Fashion-MNIST by hiding mode and epochs, trained with the plaintext engine (the same layer code as on shares) and the product's defaults.")
        {
            json, models, hiding, after, encodings, ownMin, trainLimit, testLimit, seed, schedule, table,
        };
        command.SetAction((parse, ct) => parse.GetValue(table) is { } figures
            ? Task.FromResult(PrintTable(figures))
            : AccuracyBenchmark.RunAsync(parse.GetValue(json), new AccuracyBenchmark.Settings(
            List(parse.GetValue(models)!).Select(m => ModelSpecName(m)).ToArray(),
            List(parse.GetValue(hiding)!).Select(AccuracyBenchmark.Variant.Parse).ToArray(),
            List(parse.GetValue(after)!).Select(s => Positive(int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))).ToArray(),
            List(parse.GetValue(encodings)!).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            parse.GetValue(trainLimit), parse.GetValue(testLimit), parse.GetValue(seed), parse.GetValue(schedule)!, parse.GetValue(ownMin)), ct));
        return command;
    }

    private static Command CreateCollab()
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per figure." };
        var models = new Option<string>("--models") { Description = "Presets to train, comma-separated.", DefaultValueFactory = _ => "mlp" };
        var hiding = new Option<string>("--hiding")
        {
            Description = "Hiding variants, comma-separated (off, mixupK, instahideK, +abs); the default is a new job's (mixup, k = 2).",
            DefaultValueFactory = _ => $"{Contracts.Jobs.JobDefaults.Hiding}{Contracts.Jobs.JobDefaults.K}",
        };
        var splits = new Option<string>("--splits") { Description = "How the training set is split among three owners: by-class (0–3, 4–6, 7–9), iid (3 : 2 : 1).", DefaultValueFactory = _ => "by-class,iid" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of every run (the product's default is 5).", DefaultValueFactory = _ => Contracts.Jobs.JobDefaults.Epochs };
        var trainLimit = new Option<int>("--train-limit") { Description = "Split the first N training images (0: all 60,000)." };
        var testLimit = new Option<int>("--test-limit") { Description = "Evaluate on the first N test images (0: all 10,000)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the weights, the hiding plans and the iid split.", DefaultValueFactory = _ => 1 };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: cosine (the product's default), constant or step:EVERY:GAMMA.", DefaultValueFactory = _ => "cosine" };
        var command = new Command("collab", "What training together gives each of three owners of Fashion-MNIST: each owner alone and all jointly, every model tested on the whole test set (plaintext engine, the same layer code as on shares).")
        {
            json, models, hiding, splits, epochs, trainLimit, testLimit, seed, schedule,
        };
        command.SetAction((parse, ct) => CollabBenchmark.RunAsync(parse.GetValue(json), new CollabBenchmark.Settings(
            List(parse.GetValue(models)!).Select(ModelSpecName).ToArray(),
            List(parse.GetValue(hiding)!).Select(AccuracyBenchmark.Variant.Parse).ToArray(),
            List(parse.GetValue(splits)!),
            Positive(parse.GetValue(epochs)), parse.GetValue(trainLimit), parse.GetValue(testLimit), parse.GetValue(seed), parse.GetValue(schedule)!), ct));
        return command;
    }

    private static int PrintTable(string path)
    {
        Console.Write(Learning.Training.AccuracyTable.Parse(File.ReadAllText(path)).ToMarkdown());
        return 0;
    }

    private static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string ModelSpecName(string name)
    {
        _ = Learning.Nn.ModelSpec.Preset(name);   // refuses an unknown preset before any training
        return name.ToLowerInvariant();
    }

    // The party processes the mpc benchmark starts; not meant to be run by hand.
    private static Command CreateParty()
    {
        var id = new Option<int>("--id") { Required = true };
        var folder = new Option<string>("--folder") { Required = true };
        var port = new Option<int>("--port");
        var iterations = new Option<int>("--iterations") { DefaultValueFactory = _ => 15 };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
        var command = new Command("party", "Internal: one party process of `imguard bench mpc`.") { id, folder, port, iterations, threads };
        command.Hidden = true;
        command.SetAction((parse, ct) => MpcBenchParty.RunAsync(
            parse.GetValue(id), parse.GetValue(folder)!, parse.GetValue(port), Positive(parse.GetValue(iterations)), Positive(parse.GetValue(threads)), ct));
        return command;
    }

    private static int Positive(int value) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Counts must be positive.");
}
