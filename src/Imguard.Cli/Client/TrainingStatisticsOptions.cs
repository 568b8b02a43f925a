using System.CommandLine;
using Imguard.Client.Datasets;
using Imguard.Client.Storage;

namespace Imguard.Cli.Client;

/// <summary>
/// How a test set names the training set whose standardisation it takes: <c>--train-dataset ID</c> (found in the owner
/// folder, where <c>dataset upload</c> kept it) or <c>--standardization FILE</c> (a file from elsewhere, e.g. the web
/// UI's Download statistics). Shared by <c>dataset share</c> and <c>dataset upload</c>.
/// </summary>
internal sealed class TrainingStatisticsOptions
{
    public Option<string?> TrainDataset { get; } = new("--train-dataset")
    {
        Description = "For a test set: the training set's dataset id; its standardisation is read from the owner folder.",
    };

    public Option<string?> Standardization { get; } = new("--standardization")
    {
        Description = "For a test set: the training set's .standardization.json, when the owner folder does not hold it.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(TrainDataset);
        command.Options.Add(Standardization);
    }

    /// <summary>Whether either option is given.</summary>
    public bool IsGiven(ParseResult parse) => parse.GetValue(TrainDataset) is not null || parse.GetValue(Standardization) is not null;

    /// <summary>The named training set's statistics, or null when neither option is given.</summary>
    public DatasetStatistics? Read(ParseResult parse, OwnerFolder owner)
    {
        string? id = parse.GetValue(TrainDataset);
        string? path = parse.GetValue(Standardization);
        if (id is not null && path is not null)
        {
            throw new ArgumentException("Name the training set once: --train-dataset ID or --standardization FILE, not both.");
        }
        return id is not null ? owner.LoadStatistics(id, path: null) : path is not null ? DatasetStatistics.Load(path) : null;
    }
}
