using System.CommandLine;
using Imguard.Client.Datasets;

namespace Imguard.Cli.Client;

/// <summary>The options that name where a dataset's images come from, shared by <c>dataset share</c> and <c>dataset upload</c>.</summary>
internal sealed class DatasetSourceOptions
{
    public Option<string?> Images { get; } = new("--images") { Description = "A folder with one sub-folder per class of PNG/JPEG/BMP images (metadata is dropped, images are resized)." };

    public Option<string[]?> Idx { get; } = new("--idx") { Description = "IDX images file and IDX labels file (gzip or plain).", Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };

    public Option<string?> FashionMnist { get; } = new("--fashion-mnist") { Description = "Fashion-MNIST from the Debian package dataset-fashion-mnist: train or test." };

    public Option<int> Limit { get; } = new("--limit") { Description = "Use only the first N images." };

    public void AddTo(Command command)
    {
        command.Options.Add(Images);
        command.Options.Add(Idx);
        command.Options.Add(FashionMnist);
        command.Options.Add(Limit);
    }

    public DatasetSource Read(ParseResult parse)
    {
        string[]? idx = parse.GetValue(Idx) is { Length: 2 } pair ? pair : null;
        return new DatasetSource
        {
            ImageFolder = parse.GetValue(Images),
            IdxImages = idx?[0],
            IdxLabels = idx?[1],
            FashionMnist = parse.GetValue(FashionMnist),
            Limit = parse.GetValue(Limit),
        };
    }
}
