using System.Text.Encodings.Web;
using System.Text.Json;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Files;

namespace Imguard.Client.Datasets;

/// <summary>
/// What the owner's client wrote beside a dataset's share files, <c>&lt;id&gt;.scaling.json</c>
/// (<c>{"scaling":"raw","classNames":[…]}</c>): how the shared values were scaled (<see cref="PixelScalings.Raw"/> x/255
/// or <see cref="PixelScalings.Own"/> standardised with the owner's statistics, kept in the <c>.standardization.json</c>
/// beside it) and the class names. <c>dataset upload --shares</c> registers the dataset with this scaling, so files
/// shared earlier are never registered as something they are not; a raw dataset has no statistics file, and its class
/// names (for the ONNX of a model trained on it) are kept here.
/// </summary>
public sealed record DatasetScalingRecord(string Scaling, IReadOnlyList<string>? ClassNames)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The record of <paramref name="datasetId"/> in <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, string datasetId) => Path.Combine(directory, datasetId + ".scaling.json");

    /// <summary>The scaling as the platform takes it at registration.</summary>
    public PixelScaling ToPixelScaling() => Scaling == PixelScalings.Raw ? PixelScaling.Raw : PixelScaling.Own;

    /// <summary>Writes the record 0600, beside the shares it describes.</summary>
    public void Save(string path) => OwnerOnly.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>The record of <paramref name="datasetId"/> in <paramref name="directory"/>, or null when there is none (files shared before it).</summary>
    public static DatasetScalingRecord? TryLoad(string directory, string datasetId)
    {
        string path = PathOf(directory, datasetId);
        if (!File.Exists(path))
        {
            return null;
        }
        DatasetScalingRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<DatasetScalingRecord>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a scaling record ({e.Message}).", e);
        }
        if (record?.Scaling is not (PixelScalings.Raw or PixelScalings.Own))
        {
            throw new InvalidDataException($"'{path}' names no scaling: it says \"scaling\": \"{PixelScalings.Raw}\" or \"{PixelScalings.Own}\".");
        }
        return record;
    }
}
