using System.Text.Json;
using Imguard.Client.Datasets;
using Imguard.Contracts.Files;
using Imguard.Learning.Export;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;

namespace Imguard.Client.Models;

/// <summary>
/// The owner's side of delivery: both parties' shares of a trained model (downloaded with <see cref="ModelDownloader"/>)
/// back to plaintext parameters, optionally exported to ONNX; both parties' evaluation shares back to the accuracy and,
/// with the owner's true labels, the confusion matrix. Runs on the owner's machine only: a server never holds both.
/// </summary>
public static class ModelReconstruction
{
    /// <summary>Combines party 0's and party 1's model share files; throws <see cref="InvalidDataException"/> if they do not belong together.</summary>
    public static ReconstructedModel Reconstruct(string party0SharePath, string party1SharePath)
    {
        var share0 = ModelCheckpoint.Load(party0SharePath);
        var share1 = ModelCheckpoint.Load(party1SharePath);
        return Reconstruct(share0, share1);
    }

    /// <summary>Combines the two shares as downloaded into memory (<see cref="ModelDownloader.FetchShareAsync"/>).</summary>
    public static ReconstructedModel Reconstruct(byte[] party0Share, byte[] party1Share)
    {
        ArgumentNullException.ThrowIfNull(party0Share);
        ArgumentNullException.ThrowIfNull(party1Share);
        using var s0 = new MemoryStream(party0Share, writable: false);
        using var s1 = new MemoryStream(party1Share, writable: false);
        return Reconstruct(ModelCheckpoint.ReadFrom(s0, "party 0"), ModelCheckpoint.ReadFrom(s1, "party 1"));
    }

    public static ReconstructedModel Reconstruct(ModelCheckpoint party0, ModelCheckpoint party1)
    {
        ArgumentNullException.ThrowIfNull(party0);
        ArgumentNullException.ThrowIfNull(party1);
        IReadOnlyList<PlainTensor> parameters = ModelCheckpoint.Reconstruct(party0, party1);
        return new ReconstructedModel(party0.Spec, parameters, party0.EpochsCompleted);
    }

    /// <summary>Combines both parties' evaluation share files; with <paramref name="trueLabels"/> (the owner's) also the confusion matrix.</summary>
    public static EvaluationResult ReconstructEvaluation(string party0Path, string party1Path, IReadOnlyList<int>? trueLabels = null)
    {
        return ReconstructEvaluation(EvaluationSharesFile.Load(party0Path), EvaluationSharesFile.Load(party1Path), trueLabels);
    }

    /// <summary>As above, from the two files' bytes as downloaded into memory.</summary>
    public static EvaluationResult ReconstructEvaluation(byte[] party0, byte[] party1, IReadOnlyList<int>? trueLabels = null)
    {
        ArgumentNullException.ThrowIfNull(party0);
        ArgumentNullException.ThrowIfNull(party1);
        using var s0 = new MemoryStream(party0, writable: false);
        using var s1 = new MemoryStream(party1, writable: false);
        return ReconstructEvaluation(EvaluationSharesFile.Read(s0, "party 0"), EvaluationSharesFile.Read(s1, "party 1"), trueLabels);
    }

    private static EvaluationResult ReconstructEvaluation(EvaluationShares e0, EvaluationShares e1, IReadOnlyList<int>? trueLabels)
    {
        if (e0.Predictions.PartyId != 0 || e1.Predictions.PartyId != 1)
        {
            throw new InvalidDataException("Evaluation reconstruction needs party 0's and party 1's files, one of each.");
        }
        return EvaluationResult.Reconstruct(e0, e1, trueLabels);
    }

    /// <summary>
    /// Writes the reconstructed model as ONNX (opset 13, float32, dynamic batch), 0600. With the training set's
    /// <paramref name="statistics"/> it takes raw pixels 0–255 and names the classes; without, standardised input.
    /// </summary>
    public static void ExportOnnx(ReconstructedModel model, string path, DatasetStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        OnnxExporter.WriteFile(model.Spec, model.Parameters, path, options: statistics is null ? null
            : new OnnxExportOptions { Standardization = statistics.Standardization, ClassNames = statistics.ClassNames });
    }

    /// <summary>
    /// Writes the parameters as JSON, 0600, in the web UI's form (<c>{"spec", "epochsCompleted", "parameters": [{"name",
    /// "shape", "values"}]}</c>), with the training set's <c>standardization</c> and <c>classNames</c> when known.
    /// </summary>
    public static void WriteParametersJson(ReconstructedModel model, string path, DatasetStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        string[] names = ParameterNames(model.Spec, model.Parameters.Count);
        using FileStream file = OwnerOnly.Create(path, FileMode.Create);
        using var json = new Utf8JsonWriter(file);
        json.WriteStartObject();
        json.WritePropertyName("spec");
        json.WriteRawValue(model.Spec.ToJson());
        json.WriteNumber("epochsCompleted", model.EpochsCompleted);
        if (statistics is not null)
        {
            json.WriteStartObject("standardization");
            WriteNumbers(json, "mean", statistics.Standardization.Mean);
            WriteNumbers(json, "std", statistics.Standardization.Std);
            json.WriteEndObject();
            if (statistics.ClassNames is { } classes)
            {
                json.WriteStartArray("classNames");
                foreach (string name in classes)
                {
                    json.WriteStringValue(name);
                }
                json.WriteEndArray();
            }
        }
        json.WriteStartArray("parameters");
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            PlainTensor p = model.Parameters[i];
            json.WriteStartObject();
            json.WriteString("name", names[i]);
            json.WriteStartArray("shape");
            foreach (int d in p.Shape)
            {
                json.WriteNumberValue(d);
            }
            json.WriteEndArray();
            WriteNumbers(json, "values", p.Data);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>"layer{i}.weight" and "layer{i}.bias" for each layer with parameters, as the ONNX initializers are named.</summary>
    private static string[] ParameterNames(ModelSpec spec, int count)
    {
        var names = new List<string>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i].Type.ToLowerInvariant() is "linear" or "conv2d")
            {
                names.Add($"layer{i}.weight");
                names.Add($"layer{i}.bias");
            }
        }
        return names.Count == count ? [.. names] : [.. Enumerable.Range(0, count).Select(i => $"parameter{i}")];
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, ReadOnlySpan<double> values)
    {
        json.WriteStartArray(name);
        foreach (double v in values)
        {
            json.WriteNumberValue(v);
        }
        json.WriteEndArray();
    }
}

/// <summary>A model in the clear, on the owner's machine: its spec, parameters in spec order and the epochs it was trained.</summary>
public sealed record ReconstructedModel(ModelSpec Spec, IReadOnlyList<PlainTensor> Parameters, int EpochsCompleted)
{
    /// <summary>Logits for a batch of images (N × C·H·W, standardised as the training set was), on the plaintext engine.</summary>
    public async Task<PlainTensor> ForwardAsync(PlainTensor images, CancellationToken cancellationToken = default)
    {
        var model = ModelBuilder.Build(Spec, [.. Parameters.Select(p => p.Clone())]);
        return await model.ForwardAsync(PlainEngine.Instance, images, cancellationToken);
    }
}
