namespace Imguard.Learning.Nn.Pooling;

/// <summary>
/// Max pooling, k×k windows, stride s (default k), no padding. Forward keeps the one-hot arg-max of each window
/// (ties: the first maximum in row-major window order, the same rule in both engines); backward sends each output
/// gradient to that entry, summing where windows overlap.
/// On shares (L = ⌈log2 k²⌉): forward L + ⌈log2 L⌉ rounds (k = 2: 3, k = 3: 6) with k² − 1 comparisons per output
/// element; backward 1 round (one raw product with the 0/1 selection, 2k² words per output element each way). Both
/// exact: the output is an input's ring value and the gradient is routed without truncation.
/// </summary>
public sealed class MaxPool2d<T>(int kernelSize, int? stride = null) : Layer<T> where T : class
{
    private int[]? _inputShape;
    private T? _selection;

    public int KernelSize { get; } = kernelSize > 0 ? kernelSize : throw new ArgumentOutOfRangeException(nameof(kernelSize));

    public int Stride { get; } = stride ?? kernelSize;

    public override async ValueTask<T> ForwardAsync(ITensorEngine<T> engine, T input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var shape = engine.ShapeOf(input);
        var (output, selection) = await engine.MaxPool2dAsync(input, KernelSize, Stride, cancellationToken).ConfigureAwait(false);
        (_inputShape, _selection) = (shape, selection);
        return output;
    }

    public override async ValueTask<T> BackwardAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var selection = _selection ?? throw BackwardBeforeForward("MaxPool2d");
        var shape = _inputShape!;
        _selection = null;
        return await engine.MaxPool2dBackwardAsync(outputGradient, selection, shape, KernelSize, Stride, cancellationToken).ConfigureAwait(false);
    }
}
