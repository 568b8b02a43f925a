namespace Imguard.Learning.Nn.Pooling;

/// <summary>Average pooling, k×k windows, stride s (default k), no padding. Linear: on shares one truncation round each way.</summary>
public sealed class AvgPool2d<T>(int kernelSize, int? stride = null) : Layer<T> where T : class
{
    private int[]? _inputShape;

    public int KernelSize { get; } = kernelSize > 0 ? kernelSize : throw new ArgumentOutOfRangeException(nameof(kernelSize));

    public int Stride { get; } = stride ?? kernelSize;

    public override ValueTask<T> ForwardAsync(ITensorEngine<T> engine, T input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _inputShape = engine.ShapeOf(input);
        return engine.AvgPool2dAsync(input, KernelSize, Stride, cancellationToken);
    }

    public override ValueTask<T> BackwardAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var shape = _inputShape ?? throw BackwardBeforeForward("AvgPool2d");
        return engine.AvgPool2dBackwardAsync(outputGradient, shape, KernelSize, Stride, cancellationToken);
    }
}
