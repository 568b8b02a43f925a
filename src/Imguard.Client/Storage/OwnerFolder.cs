using Imguard.Client.Datasets;
using Imguard.Contracts.Files;
using Imguard.Contracts.Shares;

namespace Imguard.Client.Storage;

/// <summary>
/// Where the CLI keeps the owner's secrets on the owner's machine, never in the working directory (a repository
/// checkout, where one <c>git add .</c> would commit both halves of a dataset or a model):
/// <c>$IMGUARD_OWNER_DIR</c> if set, else <c>$XDG_DATA_HOME/imguard</c> (XDG Base Directory: an absolute path; a
/// relative one is ignored), else <c>~/.local/share/imguard</c>. Every folder it makes is 0700 and every file the
/// client writes in it 0600 (<see cref="OwnerOnly"/>).
/// <code>
/// datasets/&lt;id&gt;/&lt;id&gt;.standardization.json   the training set's statistics and class names (kept; none for a raw dataset)
/// datasets/&lt;id&gt;/&lt;id&gt;.scaling.json           how the shared values were scaled and the class names (kept for a raw dataset, and beside shares kept by `dataset share`)
/// datasets/&lt;id&gt;/&lt;id&gt;.party{0,1}.share       both halves, only until both are uploaded (or kept by `dataset share`)
/// models/&lt;job&gt;/                              an ONNX written by default, and shares only with --keep-shares
/// </code>
/// </summary>
public sealed class OwnerFolder
{
    /// <summary>Overrides the location (for a second owner identity, a test, or an encrypted volume).</summary>
    public const string EnvironmentVariable = "IMGUARD_OWNER_DIR";

    public OwnerFolder(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary>The owner folder of this user, from the environment (see the class summary).</summary>
    public static OwnerFolder FromEnvironment() =>
        new(Resolve(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)));

    /// <summary>The rule, with the environment and the home folder given (tests).</summary>
    public static string Resolve(Func<string, string?> environment, string home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment(EnvironmentVariable) is { Length: > 0 } explicitRoot)
        {
            return Path.GetFullPath(explicitRoot);
        }
        if (environment("XDG_DATA_HOME") is { Length: > 0 } xdg && Path.IsPathFullyQualified(xdg))
        {
            return Path.Combine(xdg, "imguard");
        }
        if (string.IsNullOrEmpty(home))
        {
            throw new InvalidOperationException($"No home folder to keep the owner's files in; set {EnvironmentVariable} to a folder only you can read.");
        }
        return Path.Combine(home, ".local", "share", "imguard");
    }

    /// <summary>The parent of each dataset's folder (<c>dataset upload --work</c>'s default).</summary>
    public string DatasetsFolder => Path.Combine(Root, "datasets");

    /// <summary><c>datasets/&lt;id&gt;</c>; the id is checked so that it cannot leave the folder.</summary>
    public string DatasetFolder(string datasetId) => Path.Combine(DatasetsFolder, CheckId(datasetId, "dataset"));

    /// <summary>Where the statistics of <paramref name="datasetId"/> are kept when the CLI shared it here.</summary>
    public string StatisticsPath(string datasetId) => Path.Combine(DatasetFolder(datasetId), datasetId + ".standardization.json");

    /// <summary><c>models/&lt;job&gt;</c>.</summary>
    public string ModelFolder(string jobId) => Path.Combine(Root, "models", CheckId(jobId, "job"));

    /// <summary>The statistics the CLI kept for <paramref name="datasetId"/>, or null when this owner folder has none.</summary>
    public DatasetStatistics? TryLoadStatistics(string datasetId)
    {
        string path = StatisticsPath(datasetId);
        return File.Exists(path) ? DatasetStatistics.Load(path) : null;
    }

    /// <summary>
    /// The class names this owner folder keeps for <paramref name="datasetId"/> — in its statistics, or for a raw dataset
    /// in its scaling record — or null when it keeps none.
    /// </summary>
    public IReadOnlyList<string>? TryLoadClassNames(string datasetId) =>
        TryLoadStatistics(datasetId)?.ClassNames ?? DatasetScalingRecord.TryLoad(DatasetFolder(datasetId), datasetId)?.ClassNames;

    /// <summary>
    /// The training set's statistics: from <paramref name="path"/> when the user names a file, else kept here under the
    /// training set's id; when neither, a message that says where else they are and how to pass them.
    /// </summary>
    public DatasetStatistics LoadStatistics(string trainDatasetId, string? path)
    {
        if (path is not null)
        {
            return DatasetStatistics.Load(path);
        }
        return TryLoadStatistics(trainDatasetId) ?? throw new FileNotFoundException(MissingStatistics(trainDatasetId), StatisticsPath(trainDatasetId));
    }

    /// <summary>Why the statistics of <paramref name="trainDatasetId"/> are not here, and what to do.</summary>
    public string MissingStatistics(string trainDatasetId)
    {
        // The CLI before the owner folder kept them under the working directory; say so rather than leave it to memory.
        string old = Path.Combine("imguard-shares", trainDatasetId, trainDatasetId + ".standardization.json");
        string where = File.Exists(old)
            ? $"an older imguard kept them at {old}: pass --standardization {old} (or move that folder to {DatasetFolder(trainDatasetId)})"
            : "it was shared in a browser or on another machine: download them from its dataset list (Download statistics) or run " +
              $"`imguard dataset statistics --dataset {trainDatasetId}` there, and pass the file with --standardization FILE";
        return $"the standardisation of dataset {trainDatasetId} is not in {DatasetFolder(trainDatasetId)}; {where}.";
    }

    /// <summary>Creates <paramref name="folder"/> (and the owner folder above it) 0700; returns it.</summary>
    public static string Create(string folder)
    {
        OwnerOnly.CreateDirectory(folder);
        return folder;
    }

    private static string CheckId(string id, string what) =>
        ShareFileFormat.IsValidDatasetId(id) ? id : throw new ArgumentException($"'{id}' is not a {what} id (letters, digits, '.', '_' and '-', starting with a letter or digit).");
}
