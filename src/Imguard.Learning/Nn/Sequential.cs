using Imguard.Learning.Nn.Loss;
using Imguard.Learning.Nn.Optim;

namespace Imguard.Learning.Nn;

/// <summary>Layers applied in order; one training step is forward, softmax cross-entropy gradient, backward, SGD.</summary>
public sealed class Sequential<T>(IReadOnlyList<Layer<T>> layers) : Layer<T> where T : class
{
    public IReadOnlyList<Layer<T>> Layers { get; } = layers ?? throw new ArgumentNullException(nameof(layers));

    public override IReadOnlyList<Parameter<T>> Parameters => Layers.SelectMany(l => l.Parameters).ToArray();

    public override async ValueTask<T> ForwardAsync(ITensorEngine<T> engine, T input, CancellationToken cancellationToken = default)
    {
        var x = input;
        foreach (var layer in Layers)
        {
            x = await layer.ForwardAsync(engine, x, cancellationToken).ConfigureAwait(false);
        }
        return x;
    }

    public override async ValueTask<T> BackwardAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        var g = outputGradient;
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            g = await Layers[i].BackwardAsync(engine, g, cancellationToken).ConfigureAwait(false);
        }
        return g;
    }

    /// <summary>
    /// Backward down to the lowest layer with parameters, which computes its parameter gradients only: no layer below
    /// it (Flatten, or nothing) has anything to learn, so ∂L/∂input of the model is never needed in training.
    /// </summary>
    public override async ValueTask BackwardParametersAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        int lowest = 0;
        while (lowest < Layers.Count && Layers[lowest].Parameters.Count == 0)
        {
            lowest++;
        }
        var g = outputGradient;
        for (int i = Layers.Count - 1; i > lowest; i--)
        {
            g = await Layers[i].BackwardAsync(engine, g, cancellationToken).ConfigureAwait(false);
        }
        if (lowest < Layers.Count)
        {
            await Layers[lowest].BackwardParametersAsync(engine, g, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One SGD step on a batch; returns the batch's predicted probabilities (still shared on a secure engine).</summary>
    public async ValueTask<T> TrainStepAsync(ITensorEngine<T> engine, T inputs, T softLabels, Sgd optimizer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var logits = await ForwardAsync(engine, inputs, cancellationToken).ConfigureAwait(false);
        var (probabilities, gradient) = await SoftmaxCrossEntropy.ForwardBackwardAsync(engine, logits, softLabels, cancellationToken).ConfigureAwait(false);
        await BackwardParametersAsync(engine, gradient, cancellationToken).ConfigureAwait(false);
        await optimizer.StepAsync(engine, Parameters, cancellationToken).ConfigureAwait(false);
        return probabilities;
    }
}
