using System.CommandLine;
using Imguard.Client.Consent;
using Imguard.Client.Datasets;
using Imguard.Client.Platform;
using Imguard.Client.Storage;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Projects;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard dataset share|upload|status|statistics|disclose|delete</c>: the owner's side of a dataset. What is written
/// on this machine (both halves until they are uploaded, the scaling record, the standardisation and class names for
/// good) goes to the owner folder (<see cref="OwnerFolder"/>), never the working directory, unless <c>--out</c>/<c>--work</c>
/// says where. <c>--scaling raw</c> shares x/255 for a job with other owners (<see cref="ScalingOption"/>).
/// </summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var dataset = new Command("dataset", "Share datasets on this machine and upload each half straight to its party.");
        dataset.Subcommands.Add(CreateShare());
        dataset.Subcommands.Add(CreateUpload());
        dataset.Subcommands.Add(CreateStatus());
        dataset.Subcommands.Add(CreateStatistics());
        dataset.Subcommands.Add(DatasetDiscloseCommand.Create());
        dataset.Subcommands.Add(CreateDelete());
        return dataset;
    }

    private static Command CreateShare()
    {
        var source = new DatasetSourceOptions();
        var training = new TrainingStatisticsOptions();
        var scaling = new ScalingOption();
        var shape = new Option<string>("--shape") { Description = "The model's input shape C,H,W (images are resized to it).", DefaultValueFactory = _ => "1,28,28" };
        var id = new Option<string?>("--id") { Description = "The dataset id bound into both files (default: a fresh random id)." };
        var output = new Option<string?>("--out")
        {
            Description = "Folder for the two share files, the scaling record and the standardisation (default: the owner folder's datasets/<id>).",
        };
        var seed = new Option<bool>("--seed-party0") { Description = "Write party 0's half as a 16-byte seed (halves upload and storage; party 0 expands it)." };
        Option<string?> profile = ProfileOptions.Create();
        var command = new Command("share",
            "Split a dataset into two secret-shared files, one per party, on this machine (with --scaling own, a test set takes its training set's standardisation).")
        {
            shape, id, output, seed, profile, scaling.Option,
        };
        source.AddTo(command);
        training.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            (int c, int h, int w) = ParseShape(parse.GetValue(shape)!);
            var owner = OwnerFolder.FromEnvironment();
            PixelScaling pixels = scaling.Read(parse) ?? PixelScaling.Own;
            DatasetStatistics? stats = StatisticsFor(pixels, training, parse, owner, test: false);
            LabeledImages raw = source.Read(parse).Load(c, h, w, Console.Error);
            string datasetId = parse.GetValue(id) ?? OwnerSharing.NewDatasetId();
            string folder = parse.GetValue(output) ?? owner.DatasetFolder(datasetId);
            using OwnerSigningKey key = ProfileOptions.SigningKey(parse, profile);
            OwnerHalfFiles files = pixels.Kind == PixelScalings.Raw
                ? await OwnerSharing.ShareRawAsync(raw, datasetId, folder, parse.GetValue(seed), ownerKey: key.PublicKey, cancellationToken: ct)
                : (await OwnerSharing.ShareAsync(raw, datasetId, folder, stats?.Standardization, parse.GetValue(seed), ownerKey: key.PublicKey, cancellationToken: ct)).Files;
            Console.WriteLine($"dataset {datasetId}: {raw.Count} images {c}×{h}×{w}, {raw.ClassCount} classes");
            Console.WriteLine($"  owner key  {OwnerKeys.ShortFingerprint(key.PublicKey)}  ({key.Path}; the parties accept this dataset only in jobs this key approves)");
            Console.WriteLine($"  party 0  {files.Party0Path}  digest {files.Party0Digest}");
            Console.WriteLine($"  party 1  {files.Party1Path}  digest {files.Party1Digest}");
            Console.WriteLine($"  scaling  {ScalingWords(pixels)}; recorded in {DatasetScalingRecord.PathOf(folder, datasetId)} (`dataset upload --shares` registers it so)");
            if (pixels.Kind == PixelScalings.Own)
            {
                Console.WriteLine($"  standardisation  {OwnerSharing.StandardizationPath(folder, datasetId)} (keep it: test sets and inference use it)");
            }
            return 0;
        });
        return command;
    }

    private static Command CreateUpload()
    {
        Option<string?> profile = ProfileOptions.Create();
        var source = new DatasetSourceOptions();
        var training = new TrainingStatisticsOptions();
        var scaling = new ScalingOption();
        var project = new Option<Guid>("--project") { Description = "The project id.", Required = true };
        var name = new Option<string>("--name") { Description = "A display name for the dataset.", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "train or test (with --scaling own, a test set needs --train-dataset or --standardization).", DefaultValueFactory = _ => "train" };
        var seed = new Option<bool>("--seed-party0") { Description = "Send party 0 a 16-byte seed instead of a tensor." };
        var work = new Option<string?>("--work")
        {
            Description = "Where the share files are written before upload and the standardisation is kept, in <work>/<id>/ " +
                $"(default: the owner folder's datasets: ${OwnerFolder.EnvironmentVariable}, $XDG_DATA_HOME/imguard or ~/.local/share/imguard).",
        };
        var shares = new Option<string?>("--shares")
        {
            Description = "Instead of images: upload the two share files `imguard dataset share` wrote into this folder earlier (the offline " +
                "plugin), checked whole and as a pair before anything is registered, and registered with the scaling recorded beside them " +
                "(--scaling, if given, must agree; files without a record need it). The files are kept.",
        };
        var command = new Command("upload", "Share a dataset on this machine and upload each half straight to its party; waits until both parties report matching halves.")
        {
            profile, project, name, purpose, seed, work, shares, scaling.Option,
        };
        source.AddTo(command);
        training.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            DatasetPurpose purposeName = parse.GetValue(purpose) switch
            {
                "train" => DatasetPurpose.Train,
                "test" => DatasetPurpose.Test,
                var other => throw new ArgumentException($"--purpose is train or test, not '{other}'."),
            };
            if (parse.GetValue(shares) is { } folder)
            {
                if (source.Read(parse) is { ImageFolder: not null } or { IdxImages: not null } or { FashionMnist: not null })
                {
                    throw new ArgumentException("--shares uploads files shared earlier; it takes no images (--images, --idx, --fashion-mnist).");
                }
                using PlatformApi sharesApi = ProfileOptions.Connect(parse, profile);
                var sharesBar = new UploadProgressBar();
                DatasetUpload.Result uploaded = await new DatasetUpload(sharesApi).RunFromSharesAsync(parse.GetValue(project), parse.GetValue(name)!, purposeName,
                    folder, scaling.Read(parse), sharesBar, TimeSpan.FromMinutes(2), ct);
                sharesBar.Finish();
                Console.WriteLine($"dataset {uploaded.Dataset.Id} {uploaded.Dataset.Status}: {uploaded.Dataset.Count} images, from the share files in {folder} (kept)");
                Console.WriteLine($"scaling {ScalingWords(uploaded.Dataset.Scaling ?? (uploaded.StandardizationPath is null ? PixelScaling.Raw : PixelScaling.Own))}");
                return 0;
            }
            var owner = OwnerFolder.FromEnvironment();
            PixelScaling pixels = scaling.Read(parse) ?? PixelScaling.Own;
            DatasetStatistics? stats = StatisticsFor(pixels, training, parse, owner, purposeName == DatasetPurpose.Test);
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            ProjectView target = await api.GetProjectAsync(parse.GetValue(project), ct);
            LabeledImages raw = source.Read(parse).Load(target.Channels, target.Height, target.Width, Console.Error);
            using OwnerSigningKey key = ProfileOptions.SigningKey(parse, profile);
            var bar = new UploadProgressBar();
            DatasetUpload.Result result = await new DatasetUpload(api).RunAsync(target.Id, parse.GetValue(name)!, purposeName, raw, pixels, stats?.Standardization,
                parse.GetValue(work) ?? owner.DatasetsFolder, parse.GetValue(seed), bar, TimeSpan.FromMinutes(2), key.PublicKey, ct);
            bar.Finish();
            Console.WriteLine($"dataset {result.Dataset.Id} {result.Dataset.Status}: {result.Dataset.Count} images, owner key {OwnerKeys.ShortFingerprint(key.PublicKey)}");
            Console.WriteLine(result.StandardizationPath is { } kept
                ? $"standardisation kept at {kept} (a test set and inference find it by this dataset's id)"
                : $"scaling {ScalingWords(PixelScaling.Raw)}");
            return 0;
        });
        return command;
    }

    private static Command CreateStatistics()
    {
        var id = new Option<string>("--dataset") { Description = "The dataset id.", Required = true };
        var output = new Option<string?>("--out") { Description = "Write the file here (0600) instead of printing it." };
        var command = new Command("statistics",
            "Print a dataset's standardisation and class names as kept in the owner folder (the .standardization.json form the web UI downloads too).")
        {
            id, output,
        };
        command.SetAction(parse =>
        {
            var owner = OwnerFolder.FromEnvironment();
            string datasetId = parse.GetValue(id)!;
            DatasetStatistics stats = owner.TryLoadStatistics(datasetId) ?? throw new FileNotFoundException(owner.MissingStatistics(datasetId));
            if (parse.GetValue(output) is { } path)
            {
                stats.Save(path);
                Console.WriteLine($"standardisation of {datasetId} written to {path}");
            }
            else
            {
                Console.WriteLine(stats.ToJson());
            }
            return 0;
        });
        return command;
    }

    private static Command CreateStatus()
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("dataset") { Description = "The dataset id." };
        var command = new Command("status", "Show a dataset's state as the platform records it.") { profile, id };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            DatasetView d = await api.GetDatasetAsync(parse.GetValue(id)!, ct);
            Console.WriteLine($"{d.Id} {d.Status}: {d.Name}, {d.Purpose}, {d.Count} images {d.Channels}×{d.Height}×{d.Width}, {d.Classes} classes; " +
                $"party 0 reported {d.Party0Reported}, party 1 reported {d.Party1Reported}{(d.RejectionReason is null ? "" : "; " + d.RejectionReason)}" +
                (d.Scaling is { } scaling ? $"; scaling {TerminalText.Escape(scaling.ToConsentText())}" : ""));
            return 0;
        });
        return command;
    }

    private static Command CreateDelete()
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("dataset") { Description = "The dataset id." };
        var command = new Command("delete", "Delete a dataset: both parties delete their halves (the platform keeps asking until both confirm).") { profile, id };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            DatasetView d = await api.DeleteDatasetAsync(parse.GetValue(id)!, ct);
            Console.WriteLine($"{d.Id} {d.Status}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The statistics to share with: none for raw pixels (naming a training set's statistics then is a mistake, said so
    /// before any file is read); for <c>own</c> the training set's that the user named, required for a test set.
    /// </summary>
    private static DatasetStatistics? StatisticsFor(PixelScaling scaling, TrainingStatisticsOptions training, ParseResult parse, OwnerFolder owner, bool test)
    {
        if (scaling.Kind == PixelScalings.Raw)
        {
            return training.IsGiven(parse)
                ? throw new ArgumentException("--scaling raw shares x/255 and uses no statistics: leave out --train-dataset and --standardization.")
                : null;
        }
        DatasetStatistics? named = training.Read(parse, owner);
        if (test && named is null)
        {
            throw new ArgumentException("A test set shared with --scaling own is standardised with its training set's statistics: add --train-dataset <train id> " +
                "(or --standardization FILE), or share it with --scaling raw for a job standardised over the union.");
        }
        return named;
    }

    /// <summary>A scaling in words, for the output.</summary>
    internal static string ScalingWords(PixelScaling scaling) => scaling.Kind switch
    {
        PixelScalings.Raw => "raw (x/255; no statistic of these images computed or kept): for a job with other owners, standardised over the union by the parties",
        PixelScalings.Own => "own (standardised with your own statistics, kept on this machine): for a job on your data alone, or after `imguard dataset disclose`",
        _ => TerminalText.Escape(scaling.ToConsentText()),
    };

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
