using Imguard.Mpc.Ring;

namespace Imguard.Learning.Nn;

/// <summary>
/// The operations layers are written against, so that one layer implementation runs both in plaintext
/// (<see cref="PlainEngine"/>, the reference) and on secret shares (<see cref="SecureEngine"/>, two-party
/// computation). Fixed-point rounding exists only in the secure engine; the tests bound the difference.
/// Matrices are row-major (rows = batch). "Derivative" and "selection" tensors hold 0/1 (ReLU's derivative, max
/// pooling's arg-max).
/// </summary>
public interface ITensorEngine<T> where T : class
{
    int[] ShapeOf(T x);

    T Reshape(T x, params int[] shape);

    /// <summary>A zero tensor of x's shape (for a secure engine: shares of zero).</summary>
    T ZerosLike(T x);

    T Add(T a, T b);

    T Subtract(T a, T b);

    /// <summary>matrix (m×n) + row (n) added to every row.</summary>
    T AddRow(T matrix, T row);

    /// <summary>Column sums of an m×n matrix, shape (n).</summary>
    T SumRows(T matrix);

    T Transpose(T matrix);

    ValueTask<T> MatMulAsync(T a, T b, CancellationToken cancellationToken);

    /// <summary>Unfolds N×C×H×W images into (N·OH·OW)×(C·KH·KW) patch rows (local and linear on shares).</summary>
    T Im2Col(T images, Conv2dGeometry geometry);

    /// <summary>
    /// im2col(images)·filters (fixed point, truncated on shares) as (N·OH·OW)×OC pixel rows; filters is the
    /// (C·KH·KW)×OC filter matrix. The same value as MatMul(Im2Col(images), filters); on shares it opens the images,
    /// not their unfolding.
    /// </summary>
    ValueTask<T> ConvolveAsync(T images, T filters, Conv2dGeometry geometry, CancellationToken cancellationToken);

    /// <summary>
    /// The filter gradient im2col(images)ᵀ·outputRows, (C·KH·KW)×OC (fixed point, truncated on shares); the same value
    /// as MatMul(Transpose(Im2Col(images)), outputRows), and on shares it opens the images, not their unfolding.
    /// </summary>
    ValueTask<T> ConvolutionFilterGradientAsync(T images, T outputRows, Conv2dGeometry geometry, CancellationToken cancellationToken);

    /// <summary>
    /// ∂L/∂x of a convolution, col2im(outputRows·filters) as N×C×H×W; filters is the OC×(C·KH·KW) filter matrix. On
    /// shares the product is folded back before it is truncated, so the truncation runs on the image's size.
    /// </summary>
    ValueTask<T> ConvolutionInputGradientAsync(T outputRows, T filters, Conv2dGeometry geometry, int batch, CancellationToken cancellationToken);

    /// <summary>The adjoint of <see cref="Im2Col"/>: patch rows back to N×C×H×W, overlapping entries summed.</summary>
    T Col2Im(T columns, Conv2dGeometry geometry, int batch);

    /// <summary>(N·H·W)×C rows (one per pixel) to N×C×H×W, plus <paramref name="channelBias"/>[c] on channel c when given.</summary>
    T PixelRowsToImages(T rows, int batch, int height, int width, T? channelBias = null);

    /// <summary>N×C×H×W to (N·H·W)×C rows (one per pixel).</summary>
    T ImagesToPixelRows(T images);

    /// <summary>Average pooling (k×k windows, stride s, no padding) of N×C×H×W.</summary>
    ValueTask<T> AvgPool2dAsync(T images, int kernelSize, int stride, CancellationToken cancellationToken);

    /// <summary>The gradient of <see cref="AvgPool2dAsync"/>: each output gradient spread over its window, divided by k².</summary>
    ValueTask<T> AvgPool2dBackwardAsync(T outputGradient, int[] inputShape, int kernelSize, int stride, CancellationToken cancellationToken);

    /// <summary>
    /// Max pooling (k×k windows, stride s, no padding) of N×C×H×W, with which entry of each window is the maximum:
    /// Selection has shape N×C×OH×OW×k², one-hot along the last axis (0/1; on shares ring integers, not fixed-point),
    /// the k² entries of a window in row-major (ky, kx) order. Ties: the first maximum in that order.
    /// </summary>
    ValueTask<(T Output, T Selection)> MaxPool2dAsync(T images, int kernelSize, int stride, CancellationToken cancellationToken);

    /// <summary>
    /// The gradient of <see cref="MaxPool2dAsync"/>: each output gradient (N×C×OH×OW) added to the input entry its
    /// window's <paramref name="selection"/> marks; where windows overlap, the contributions add up.
    /// </summary>
    ValueTask<T> MaxPool2dBackwardAsync(T outputGradient, T selection, int[] inputShape, int kernelSize, int stride, CancellationToken cancellationToken);

    /// <summary>max(x, 0) and 1{x ≥ 0}.</summary>
    ValueTask<(T Output, T Derivative)> ReluAsync(T x, CancellationToken cancellationToken);

    /// <summary>x ⊙ d for a 0/1 tensor d.</summary>
    ValueTask<T> MultiplyByDerivativeAsync(T x, T derivative, CancellationToken cancellationToken);

    /// <summary>x · c for a public constant c.</summary>
    ValueTask<T> ScaleAsync(T x, double factor, CancellationToken cancellationToken);

    /// <summary>
    /// xᵢ · cᵢ for each pair, as <see cref="ScaleAsync"/> does each, all at once: on shares one truncation (one round)
    /// for the lot instead of one per tensor.
    /// </summary>
    ValueTask<T[]> ScaleEachAsync(IReadOnlyList<(T Value, double Factor)> terms, CancellationToken cancellationToken);

    /// <summary>Softmax along the last axis.</summary>
    ValueTask<T> SoftmaxAsync(T logits, CancellationToken cancellationToken);
}
