using System.CommandLine;
using Imguard.Client.Datasets;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;

namespace Imguard.Cli.Client;

/// <summary><c>imguard dataset share</c>: the owner's offline plugin (two share files, nothing sent anywhere).</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var dataset = new Command("dataset", "Share datasets on this machine and upload each half straight to its party.");
        dataset.Subcommands.Add(CreateShare());
        return dataset;
    }

    private static Command CreateShare()
    {
        var source = new DatasetSourceOptions();
        var shape = new Option<string>("--shape") { Description = "The model's input shape C,H,W (images are resized to it).", DefaultValueFactory = _ => "1,28,28" };
        var id = new Option<string?>("--id") { Description = "The dataset id bound into both files (default: a fresh random id)." };
        var output = new Option<string>("--out") { Description = "Folder for the two share files.", DefaultValueFactory = _ => "." };
        var standardization = new Option<string?>("--standardization") { Description = "For a test set: the training set's <id>.standardization.json (default: fit on these images)." };
        var seed = new Option<bool>("--seed-party0") { Description = "Write party 0's half as a 16-byte seed (halves upload and storage; party 0 expands it)." };
        var command = new Command("share", "Split a dataset into two secret-shared files, one per party, on this machine.") { shape, id, output, standardization, seed };
        source.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            (int c, int h, int w) = ParseShape(parse.GetValue(shape)!);
            LabeledImages raw = source.Read(parse).Load(c, h, w, Console.Error);
            string datasetId = parse.GetValue(id) ?? OwnerSharing.NewDatasetId();
            Standardization? stats = parse.GetValue(standardization) is { } path ? OwnerSharing.LoadStandardization(path) : null;
            (OwnerHalfFiles files, _) = await OwnerSharing.ShareAsync(raw, datasetId, parse.GetValue(output)!, stats, parse.GetValue(seed), cancellationToken: ct);
            Console.WriteLine($"dataset {datasetId}: {raw.Count} images {c}×{h}×{w}, {raw.ClassCount} classes");
            Console.WriteLine($"  party 0  {files.Party0Path}  digest {files.Party0Digest}");
            Console.WriteLine($"  party 1  {files.Party1Path}  digest {files.Party1Digest}");
            Console.WriteLine($"  standardisation  {OwnerSharing.StandardizationPath(parse.GetValue(output)!, datasetId)} (keep it: test sets and inference use it)");
            return 0;
        });
        return command;
    }

    internal static (int Channels, int Height, int Width) ParseShape(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || !int.TryParse(parts[0], out int c) || !int.TryParse(parts[1], out int h) || !int.TryParse(parts[2], out int w) || c is < 1 or > 4 || h is < 1 or > 4096 || w is < 1 or > 4096)
        {
            throw new ArgumentException($"--shape is C,H,W (e.g. 1,28,28 or 3,32,32); got '{text}'.");
        }
        return (c, h, w);
    }
}
