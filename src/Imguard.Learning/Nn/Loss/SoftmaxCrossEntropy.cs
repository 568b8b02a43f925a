namespace Imguard.Learning.Nn.Loss;

/// <summary>
/// Softmax cross-entropy with soft labels (InstaHide and mixup mix labels): L = −(1/B) Σ_b Σ_c y_bc·log p_bc with
/// p = softmax(logits). Its gradient needs no logarithm: ∂L/∂logits = (p − y)/B — so on shares the loss value
/// itself is never computed (nor revealed) unless asked for.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Probabilities and ∂L/∂logits for a batch (logits and labels B×C, each label row summing to 1).</summary>
    public static async ValueTask<(T Probabilities, T Gradient)> ForwardBackwardAsync<T>(
        ITensorEngine<T> engine, T logits, T softLabels, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(engine);
        var shape = engine.ShapeOf(logits);
        var labelShape = engine.ShapeOf(softLabels);
        if (shape.Length != 2 || !shape.AsSpan().SequenceEqual(labelShape))
        {
            throw LearningError.ShapeMismatch("SoftmaxCrossEntropy labels", shape, labelShape);
        }
        var probabilities = await engine.SoftmaxAsync(logits, cancellationToken).ConfigureAwait(false);
        var gradient = await engine.ScaleAsync(engine.Subtract(probabilities, softLabels), 1.0 / shape[0], cancellationToken).ConfigureAwait(false);
        return (probabilities, gradient);
    }

    /// <summary>The loss value, in plaintext (for the reference path and for reports).</summary>
    public static double Loss(PlainTensor probabilities, PlainTensor softLabels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(softLabels);
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (softLabels.Data[i] != 0)
            {
                sum -= softLabels.Data[i] * Math.Log(Math.Max(probabilities.Data[i], 1e-12));
            }
        }
        return sum / probabilities.Dimension(0);
    }
}
