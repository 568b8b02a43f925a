using Imguard.Learning.Data;

namespace Imguard.Learning.Export;

/// <summary>
/// What the owner knows about the model beyond its weights, written into the exported ONNX so that it runs outside
/// IMGuard on plain pixels: the training set's <see cref="Standardization"/> (the graph then starts with it and takes
/// raw pixel values 0–255, as the product's decoders produce them) and the <see cref="ClassNames"/> (metadata
/// <c>classes</c>). Both live only on the owner's side (the CLI's owner folder, the browser's owner vault).
/// </summary>
public sealed record OnnxExportOptions
{
    /// <summary>The training set's per-channel statistics; null: the model takes standardised input, as it was trained.</summary>
    public Standardization? Standardization { get; init; }

    /// <summary>One name per class, indexed by label; null: the class indices ("0", "1", …).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}
