using Imguard.Mpc.Ring;

namespace Imguard.Learning.Nn;

/// <summary>
/// 2-D convolution, x N×C×H×W, weight OC×C×KH×KW, bias OC, by im2col: Y = Cols·Wᵀ + b with Cols the
/// (N·OH·OW)×(C·KH·KW) patch rows. Backward: ∂b = Σ_rows ∂Y, ∂Wᵀ = Colsᵀ·∂Y, ∂x = col2im(∂Y·W).
/// On shares: im2col, col2im and the layout changes are local; three products (2 rounds each). The two that involve
/// Cols use convolution-shaped triples (<see cref="ITensorEngine{T}.ConvolveAsync"/>,
/// <see cref="ITensorEngine{T}.ConvolutionFilterGradientAsync"/>), which open x rather than its KH·KW-times larger Cols.
/// </summary>
public sealed class Conv2d<T> : Layer<T> where T : class
{
    private T? _input;
    private Conv2dGeometry? _geometry;
    private int _batch;

    public Conv2d(T weight, T bias, int stride = 1, int padding = 0)
    {
        Weight = new Parameter<T>("weight", weight);
        Bias = new Parameter<T>("bias", bias);
        Stride = stride > 0 ? stride : throw new ArgumentOutOfRangeException(nameof(stride));
        Padding = padding >= 0 ? padding : throw new ArgumentOutOfRangeException(nameof(padding));
    }

    public Parameter<T> Weight { get; }

    public Parameter<T> Bias { get; }

    public int Stride { get; }

    public int Padding { get; }

    public override IReadOnlyList<Parameter<T>> Parameters => [Weight, Bias];

    public override async ValueTask<T> ForwardAsync(ITensorEngine<T> engine, T input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var shape = engine.ShapeOf(input);
        var w = engine.ShapeOf(Weight.Value);
        if (shape.Length != 4 || w.Length != 4 || shape[1] != w[1])
        {
            throw LearningError.ShapeMismatch("Conv2d input", [-1, w.Length == 4 ? w[1] : -1, -1, -1], shape);
        }
        _batch = shape[0];
        _geometry = new Conv2dGeometry(shape[1], shape[2], shape[3], w[2], w[3], Stride, Padding);
        _input = input;
        var rows = await engine.ConvolveAsync(input, engine.Transpose(FilterMatrix(engine)), _geometry, cancellationToken).ConfigureAwait(false);
        return engine.PixelRowsToImages(rows, _batch, _geometry.OutputHeight, _geometry.OutputWidth, Bias.Value);   // + bias, one pass
    }

    public override async ValueTask<T> BackwardAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var geometry = _geometry ?? throw BackwardBeforeForward("Conv2d");
        var rows = await ParameterGradientsAsync(engine, outputGradient, cancellationToken).ConfigureAwait(false);
        return await engine.ConvolutionInputGradientAsync(rows, FilterMatrix(engine), geometry, _batch, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask BackwardParametersAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        await ParameterGradientsAsync(engine, outputGradient, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores the bias and filter gradients; returns ∂L/∂output as (N·OH·OW)×OC pixel rows.</summary>
    private async ValueTask<T> ParameterGradientsAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken)
    {
        var input = _input ?? throw BackwardBeforeForward("Conv2d");
        var rows = engine.ImagesToPixelRows(outputGradient);                                   // (N·OH·OW)×OC
        Bias.Gradient = engine.SumRows(rows);
        var weightGradientT = await engine.ConvolutionFilterGradientAsync(input, rows, _geometry!, cancellationToken).ConfigureAwait(false);
        Weight.Gradient = engine.Reshape(engine.Transpose(weightGradientT), engine.ShapeOf(Weight.Value));
        _input = null;
        return rows;
    }

    private T FilterMatrix(ITensorEngine<T> engine)
    {
        var w = engine.ShapeOf(Weight.Value);
        return engine.Reshape(Weight.Value, w[0], w[1] * w[2] * w[3]);
    }
}
