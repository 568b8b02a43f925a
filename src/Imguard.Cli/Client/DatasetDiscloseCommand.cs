using System.CommandLine;
using System.Globalization;
using Imguard.Client.Datasets;
using Imguard.Client.Platform;
using Imguard.Client.Storage;
using Imguard.Contracts.Datasets;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard dataset disclose ID [--yes]</c>: an owner makes public the statistics their client standardised a dataset
/// with (one mean and one deviation per channel, from the owner folder), so a dataset shared with <c>--scaling own</c>
/// can join a job standardised over the union without being shared again. It prints exactly what becomes public and to
/// whom, and asks: it cannot be undone.
/// </summary>
internal static class DatasetDiscloseCommand
{
    public static Command Create()
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("dataset") { Description = "Your dataset's id (shared with --scaling own)." };
        var yes = new Option<bool>("--yes") { Description = "Disclose without asking (what becomes public is printed all the same)." };
        var standardization = new Option<string?>("--standardization")
        {
            Description = "The dataset's .standardization.json, when the owner folder does not hold it (shared in a browser or on another machine).",
        };
        var command = new Command("disclose",
            "Make public the statistics a dataset was standardised with (one mean and one deviation per channel), so it can join a job " +
            "standardised over the union; cannot be undone.")
        {
            profile, id, yes, standardization,
        };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            return await DiscloseAsync(api, OwnerFolder.FromEnvironment(), parse.GetValue(id)!, parse.GetValue(standardization), parse.GetValue(yes),
                Console.In, Console.Out, ct);
        });
        return command;
    }

    /// <summary>The command's work, with its platform, owner folder and terminal given (tests).</summary>
    internal static async Task<int> DiscloseAsync(PlatformApi api, OwnerFolder owner, string datasetId, string? statisticsPath, bool yes,
        TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        // The statistics are read before anything is sent: a missing file fails without a request.
        DatasetStatistics statistics = owner.LoadStatistics(datasetId, statisticsPath);
        string source = statisticsPath ?? owner.StatisticsPath(datasetId);
        DatasetView dataset = await api.GetDatasetAsync(datasetId, cancellationToken);
        if (Problem(dataset, statistics) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        foreach (string line in Lines(dataset, statistics, source))
        {
            output.WriteLine(line);
        }
        if (!yes)
        {
            output.Write($"Disclose the statistics of {datasetId}? [y/N] ");
            string answer = (input.ReadLine() ?? "").Trim();
            if (!answer.Equals("y", StringComparison.OrdinalIgnoreCase) && !answer.Equals("yes", StringComparison.OrdinalIgnoreCase))
            {
                output.WriteLine("not disclosed; nothing was sent.");
                return CommandErrors.Failed;
            }
        }
        await api.DiscloseStatisticsAsync(datasetId, new DiscloseStatisticsRequest([.. statistics.Standardization.Mean], [.. statistics.Standardization.Std]),
            cancellationToken);
        DatasetView after = await api.GetDatasetAsync(datasetId, cancellationToken);
        output.WriteLine($"dataset {datasetId}: scaling {TerminalText.Escape(after.Scaling?.ToConsentText() ?? "(not reported by the platform)")}");
        return 0;
    }

    /// <summary>Why these statistics cannot be disclosed for <paramref name="dataset"/>, or null.</summary>
    internal static string? Problem(DatasetView dataset, DatasetStatistics statistics) => dataset.Scaling?.Kind switch
    {
        PixelScalings.Raw => $"Dataset {dataset.Id} was shared raw (x/255): no statistic of it exists to disclose, and it joins a job standardised over the union as it is.",
        PixelScalings.Disclosed => $"The statistics of dataset {dataset.Id} are already public: {TerminalText.Escape(dataset.Scaling.ToConsentText())}.",
        _ when statistics.Standardization.Channels != dataset.Channels =>
            $"The statistics hold {statistics.Standardization.Channels} channels; dataset {dataset.Id} has {dataset.Channels}: they are not this dataset's.",
        _ => null,
    };

    /// <summary>What becomes public, to whom, and that it is final, before the owner is asked.</summary>
    internal static IEnumerable<string> Lines(DatasetView dataset, DatasetStatistics statistics, string source)
    {
        int channels = statistics.Standardization.Channels;
        yield return $"dataset {TerminalText.Escape(dataset.Id)} '{TerminalText.Escape(dataset.Name)}' ({dataset.Count.ToString("N0", CultureInfo.InvariantCulture)} images) " +
            $"was standardised with your own statistics, kept in {source}.";
        yield return $"Disclosing makes these {2 * channels} numbers public — to the project's members, both parties and every approver of every job " +
            "that uses the dataset — and cannot be undone:";
        for (int c = 0; c < channels; c++)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  channel {c}: mean {statistics.Standardization.Mean[c]:R}, standard deviation {statistics.Standardization.Std[c]:R} (of x/255)");
        }
        yield return "Nothing else is disclosed: no image, no other statistic. The dataset can then join a job standardised over the union without " +
            "being shared again: the parties map it back to x/255 on shares with these numbers.";
    }
}
