// What: analytic inversion of a first fully connected layer with bias from the gradients of one training example.
// Source: spec.md §8b; Phong, Aono, Hayashi, Wang, Moriai, "Privacy-Preserving Deep Learning via Additively Homomorphic
// Encryption" (IEEE TIFS 2018), single-neuron example x_k = (∂L/∂W_k)/(∂L/∂b); Geiping et al., "Inverting Gradients"
// (NeurIPS 2020), proposition on fully connected layers. The "DLG test" of the seed documents, without optimisation:
// for z = x·W + b (W in×out, as in Linear), ∂L/∂W = xᵀ·∂L/∂z and ∂L/∂b = ∂L/∂z, so for one example and every output unit
// r with ∂L/∂b_r ≠ 0: x = ∂L/∂W[:, r] / ∂L/∂b_r — exact, whatever the rest of the network is.
using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Loss;

namespace Imguard.Learning.Privacy;

/// <summary>
/// The attacker of spec.md §8b: whoever sees the plaintext gradient of a single example recovers the input the first
/// linear layer saw. With InstaHide that input is the encoding x̃, so this recovers the encoding, not the image; the
/// report then measures how close x̃ is to the original.
/// </summary>
public static class GradientInversion
{
    /// <summary>
    /// Computes the plaintext gradients of one example with the model's own layers (<see cref="Sequential{T}.ForwardAsync"/>,
    /// <see cref="SoftmaxCrossEntropy.ForwardBackwardAsync"/>, <see cref="Sequential{T}.BackwardAsync"/> on
    /// <see cref="PlainEngine"/>; no optimiser step, the weights are unchanged but every parameter's
    /// <see cref="Parameter{T}.Gradient"/> is overwritten) and inverts the first linear layer (<see cref="Invert"/>).
    /// </summary>
    /// <param name="model">A model whose first layer with parameters is a <see cref="Linear{T}"/> (e.g. the mlp preset:
    /// flatten, then linear); layers before it must have no parameters.</param>
    /// <param name="input">One example as the model sees it (batch 1, e.g. 1×C×H×W), i.e. after any encoding.</param>
    /// <param name="softLabel">Its label, 1×classes (one-hot or soft).</param>
    /// <param name="cancellationToken">Cancels the forward and backward passes.</param>
    /// <returns>The recovered input of the first linear layer (its in-features, flattened row-major).</returns>
    /// <exception cref="ArgumentException">The model does not start with a linear layer, or the batch is not one example.</exception>
    /// <exception cref="InvalidOperationException">No output unit has a non-zero bias gradient (nothing to divide by).</exception>
    public static async ValueTask<double[]> RecoverInputAsync(Sequential<PlainTensor> model, PlainTensor input, PlainTensor softLabel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(softLabel);
        if (input.Shape.Length < 2 || input.Dimension(0) != 1)
        {
            throw LearningError.InvalidArgument("Gradient inversion attacks the gradient of a single example: the input's batch dimension must be 1.");
        }
        var linear = FirstLinear(model);

        var engine = PlainEngine.Instance;
        var logits = await model.ForwardAsync(engine, input, cancellationToken).ConfigureAwait(false);
        var (_, logitGradient) = await SoftmaxCrossEntropy.ForwardBackwardAsync(engine, logits, softLabel, cancellationToken).ConfigureAwait(false);
        await model.BackwardAsync(engine, logitGradient, cancellationToken).ConfigureAwait(false);

        return Invert(linear.Weight.Gradient!, linear.Bias.Gradient!);
    }

    /// <summary>
    /// The analytic step: picks the output unit r with the largest |∂L/∂b_r| (the best-conditioned division; units behind
    /// an inactive ReLU have ∂L/∂b_r = 0) and returns x = ∂L/∂W[:, r] / ∂L/∂b_r.
    /// </summary>
    /// <param name="weightGradient">∂L/∂W, in×out (the layout of <see cref="Linear{T}.Weight"/>).</param>
    /// <param name="biasGradient">∂L/∂b, out.</param>
    /// <returns>The in recovered input values.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    /// <exception cref="InvalidOperationException">Every bias gradient is zero.</exception>
    public static double[] Invert(PlainTensor weightGradient, PlainTensor biasGradient)
    {
        ArgumentNullException.ThrowIfNull(weightGradient);
        ArgumentNullException.ThrowIfNull(biasGradient);
        if (weightGradient.Shape.Length != 2 || biasGradient.Shape.Length != 1 || biasGradient.Dimension(0) != weightGradient.Dimension(1))
        {
            throw LearningError.ShapeMismatch("gradient inversion (bias gradient vs weight gradient in×out)", [weightGradient.Shape[^1]], biasGradient.Shape);
        }
        int inFeatures = weightGradient.Dimension(0), outFeatures = weightGradient.Dimension(1);

        int unit = -1;
        double best = 0;
        for (int r = 0; r < outFeatures; r++)
        {
            double magnitude = Math.Abs(biasGradient.Data[r]);
            if (magnitude > best)
            {
                best = magnitude;
                unit = r;
            }
        }
        if (unit < 0)
        {
            throw LearningError.NoGradientToInvert();
        }

        double bias = biasGradient.Data[unit];
        var recovered = new double[inFeatures];
        for (int i = 0; i < inFeatures; i++)
        {
            recovered[i] = weightGradient.Data[i * outFeatures + unit] / bias; // x_i = ∂L/∂W[i, r] / ∂L/∂b_r
        }
        return recovered;
    }

    private static Linear<PlainTensor> FirstLinear(Sequential<PlainTensor> model)
    {
        foreach (var layer in model.Layers)
        {
            if (layer is Linear<PlainTensor> linear)
            {
                return linear;
            }
            if (layer.Parameters.Count > 0)
            {
                break;
            }
        }
        throw LearningError.InvalidArgument(
            "Gradient inversion needs a model whose first trainable layer is linear with bias (e.g. the mlp preset: flatten, then linear).");
    }
}
