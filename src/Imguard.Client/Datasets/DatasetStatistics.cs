using System.Text.Encodings.Web;
using System.Text.Json;
using Imguard.Contracts.Files;
using Imguard.Learning.Data;

namespace Imguard.Client.Datasets;

/// <summary>
/// What the owner keeps of a training set: its per-channel <see cref="Standardization"/> (test sets and inference images
/// are standardised with it; the exported ONNX starts with it) and its class names (the ONNX's metadata names the
/// classes with them: folder names, Fashion-MNIST's labels, or the indices). The file
/// <c>&lt;id&gt;.standardization.json</c>, <c>{"mean":[…],"std":[…],"classNames":[…]}</c>, is the same form the web UI's
/// owner vault downloads; files from before class names were kept have none.
/// </summary>
public sealed record DatasetStatistics(Standardization Standardization, IReadOnlyList<string>? ClassNames)
{
    // The file is the owner's and read by people too: class names as they are, not \uXXXX (no HTML context here).
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string ToJson() => JsonSerializer.Serialize(new StatisticsFile(Standardization.Mean, Standardization.Std, ClassNames?.ToArray()), Json);

    /// <summary>Writes the file 0600 (the statistics of the owner's images are theirs alone, like the shares beside them).</summary>
    public void Save(string path) => OwnerOnly.WriteAllText(path, ToJson() + "\n");

    public static DatasetStatistics Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No standardisation file at '{path}'.", path);
        }
        return Parse(File.ReadAllText(path), $"'{path}'");
    }

    /// <summary>Reads the JSON form; <paramref name="source"/> names it in messages.</summary>
    public static DatasetStatistics Parse(string json, string source)
    {
        StatisticsFile? file;
        try
        {
            file = JsonSerializer.Deserialize<StatisticsFile>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not a standardisation file ({e.Message}).", e);
        }
        if (file?.Mean is null || file.Std is null)
        {
            throw new InvalidDataException($"{source} is not a standardisation file: it needs \"mean\" and \"std\", one number per channel.");
        }
        Standardization standardization;
        try
        {
            standardization = new Standardization(file.Mean, file.Std);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        if (file.ClassNames is { } names && names.Any(string.IsNullOrEmpty))
        {
            throw new InvalidDataException($"{source}: a class name is empty.");
        }
        return new DatasetStatistics(standardization, file.ClassNames);
    }

    private sealed record StatisticsFile(double[]? Mean, double[]? Std, string[]? ClassNames);
}
