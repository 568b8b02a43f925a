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
        var e0 = EvaluationSharesFile.Load(party0Path);
        var e1 = EvaluationSharesFile.Load(party1Path);
        if (e0.Predictions.PartyId != 0 || e1.Predictions.PartyId != 1)
        {
            throw new InvalidDataException("Evaluation reconstruction needs party 0's and party 1's files, one of each.");
        }
        return EvaluationResult.Reconstruct(e0, e1, trueLabels);
    }

    /// <summary>Writes the reconstructed model as ONNX (opset 13, float32, dynamic batch).</summary>
    public static void ExportOnnx(ReconstructedModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        OnnxExporter.WriteFile(model.Spec, model.Parameters, path);
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
