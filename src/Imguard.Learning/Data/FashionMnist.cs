using System.Collections.ObjectModel;

namespace Imguard.Learning.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 28×28 grayscale images of 10 clothing classes, 60,000 for training and
/// 10,000 for testing, as IDX files. Debian ships it as the package <c>dataset-fashion-mnist</c>, which installs
/// <c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>, <c>t10k-images-idx3-ubyte.gz</c> and
/// <c>t10k-labels-idx1-ubyte.gz</c> in <see cref="DefaultDirectory"/>. Uncompressed files of the same names without
/// <c>.gz</c> are accepted too.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package <see cref="DebianPackage"/> installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The Debian package that provides the dataset.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    /// <summary>Image height and width.</summary>
    public const int ImageSide = 28;

    private const string TrainPrefix = "train";
    private const string TestPrefix = "t10k";

    /// <summary>The ten class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new ReadOnlyCollection<string>(
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]);

    /// <summary>Loads the 60,000 training images (1×28×28, raw values 0..255).</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names the package to install.</exception>
    public static LabeledImages LoadTrain(string? directory = null) => Load(directory, TrainPrefix);

    /// <summary>Loads the 10,000 test images (1×28×28, raw values 0..255).</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names the package to install.</exception>
    public static LabeledImages LoadTest(string? directory = null) => Load(directory, TestPrefix);

    /// <summary>Whether all four files are present in <paramref name="directory"/> (default <see cref="DefaultDirectory"/>).</summary>
    public static bool IsInstalled(string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        return FindFile(dir, ImagesName(TrainPrefix)) is not null
            && FindFile(dir, LabelsName(TrainPrefix)) is not null
            && FindFile(dir, ImagesName(TestPrefix)) is not null
            && FindFile(dir, LabelsName(TestPrefix)) is not null;
    }

    private static LabeledImages Load(string? directory, string prefix)
    {
        string dir = directory ?? DefaultDirectory;
        string images = RequireFile(dir, ImagesName(prefix));
        string labels = RequireFile(dir, LabelsName(prefix));
        return IdxReader.LoadDataset(images, labels, ClassNames);
    }

    private static string ImagesName(string prefix) => $"{prefix}-images-idx3-ubyte";

    private static string LabelsName(string prefix) => $"{prefix}-labels-idx1-ubyte";

    private static string RequireFile(string directory, string baseName) =>
        FindFile(directory, baseName) ?? throw LearningError.DatasetFileMissing(
            "Fashion-MNIST", Path.Combine(directory, baseName + "(.gz)"), DebianPackage);

    private static string? FindFile(string directory, string baseName)
    {
        foreach (string candidate in (ReadOnlySpan<string>)[baseName + ".gz", baseName])
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
