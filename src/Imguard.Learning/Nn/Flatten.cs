namespace Imguard.Learning.Nn;

/// <summary>Flattens N×… to N×(product of the rest); backward restores the shape. Local on shares.</summary>
public sealed class Flatten<T> : Layer<T> where T : class
{
    private int[]? _shape;

    public override ValueTask<T> ForwardAsync(ITensorEngine<T> engine, T input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _shape = engine.ShapeOf(input);
        int rest = 1;
        for (int i = 1; i < _shape.Length; i++)
        {
            rest *= _shape[i];
        }
        return ValueTask.FromResult(engine.Reshape(input, _shape[0], rest));
    }

    public override ValueTask<T> BackwardAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var shape = _shape ?? throw BackwardBeforeForward("Flatten");
        return ValueTask.FromResult(engine.Reshape(outputGradient, shape));
    }
}
