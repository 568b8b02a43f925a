namespace Imguard.Learning.Nn;

/// <summary>
/// Fully connected layer y = x·W + b, x of shape batch×in, W in×out, b out.
/// Backward: ∂W = xᵀ·∂y, ∂b = Σ_rows ∂y, ∂x = ∂y·Wᵀ. On shares: one matmul forward and two backward, 2 rounds each.
/// </summary>
public sealed class Linear<T> : Layer<T> where T : class
{
    private T? _input;

    public Linear(T weight, T bias)
    {
        Weight = new Parameter<T>("weight", weight);
        Bias = new Parameter<T>("bias", bias);
    }

    public Parameter<T> Weight { get; }

    public Parameter<T> Bias { get; }

    public override IReadOnlyList<Parameter<T>> Parameters => [Weight, Bias];

    public override async ValueTask<T> ForwardAsync(ITensorEngine<T> engine, T input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var shape = engine.ShapeOf(input);
        var weightShape = engine.ShapeOf(Weight.Value);
        if (shape.Length != 2 || shape[1] != weightShape[0])
        {
            throw LearningError.ShapeMismatch("Linear input", [-1, weightShape[0]], shape);
        }
        _input = input;
        var product = await engine.MatMulAsync(input, Weight.Value, cancellationToken).ConfigureAwait(false);
        return engine.AddRow(product, Bias.Value);
    }

    public override async ValueTask<T> BackwardAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        await BackwardParametersAsync(engine, outputGradient, cancellationToken).ConfigureAwait(false);
        var inputGradient = await engine.MatMulAsync(outputGradient, engine.Transpose(Weight.Value), cancellationToken).ConfigureAwait(false);
        return inputGradient;
    }

    public override async ValueTask BackwardParametersAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var input = _input ?? throw BackwardBeforeForward("Linear");
        Weight.Gradient = await engine.MatMulAsync(engine.Transpose(input), outputGradient, cancellationToken).ConfigureAwait(false);
        Bias.Gradient = engine.SumRows(outputGradient);
        _input = null;
    }
}
