using System.Runtime.CompilerServices;
using Imguard.Mpc.Protocols;
using LinearOps = Imguard.Mpc.Protocols.Linear;
using PoolingOps = Imguard.Mpc.Protocols.Pooling;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Nn;

/// <summary>
/// The engine on secret shares: each call is this party's half of a two-party protocol from
/// <see cref="Imguard.Mpc.Protocols"/>; both parties must make the same calls in the same order.
/// Costs per call: linear ops and reshapes are local; MatMul 2 rounds; ReLU with derivative 1 round;
/// multiply by derivative 1 round (no truncation: the derivative is a 0/1 integer); scale 1 round (truncation);
/// avg-pool 1 round each way; max-pool with arg-max L + ⌈log₂L⌉ rounds, L = ⌈log₂k²⌉ (k = 2: 3, k = 3: 6), k² − 1
/// comparisons per output, and its backward 1 round (one raw product with the 0/1 selection, 2k² words per output);
/// softmax ⌈log₂n⌉ + 61 rounds (see Functions).
/// </summary>
public sealed class SecureEngine(PartyContext context) : ITensorEngine<SharedTensor>
{
    // The backward material of each ReLU derivative this engine handed out, keyed by the derivative tensor the layer
    // keeps (the engine interface passes derivatives as plain tensors; the entry dies with the tensor).
    private readonly ConditionalWeakTable<SharedTensor, ReluDerivative> _reluDerivatives = new();

    public PartyContext Context { get; } = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>
    /// Whether every ReLU is followed by its backward pass (a training engine): then each ReLU takes the dealer
    /// triple that makes the backward product by its derivative one opening instead of two
    /// (<see cref="Comparison.ReluForBackwardAsync"/>), at 8 more dealer bytes per element. Leave it off for
    /// inference, where the triple would go unused. Both parties must set it alike.
    /// </summary>
    public bool PrepareReluBackward { get; init; }

    public int[] ShapeOf(SharedTensor x) => x.Shape.ToArray();

    public SharedTensor Reshape(SharedTensor x, params int[] shape) => x.Reshape(shape);

    public SharedTensor ZerosLike(SharedTensor x) => x.WithShare(new RingTensor(x.Shape.ToArray()));

    public SharedTensor Add(SharedTensor a, SharedTensor b) => LinearOps.Add(Context, a, b);

    public SharedTensor Subtract(SharedTensor a, SharedTensor b) => LinearOps.Subtract(Context, a, b);

    public SharedTensor AddRow(SharedTensor matrix, SharedTensor row)
    {
        int m = matrix.Shape[0], n = matrix.Shape[1];
        if (row.Share.Rank != 1 || row.Shape[0] != n)
        {
            throw LearningError.ShapeMismatch("AddRow", [n], row.Shape);
        }
        var z = matrix.Share.Clone();
        for (int i = 0; i < m; i++)
        {
            RingOps.Add(z.Span.Slice(i * n, n), row.Share.Span, z.Span.Slice(i * n, n));
        }
        return matrix.WithShare(z);
    }

    public SharedTensor SumRows(SharedTensor matrix)
    {
        var z = new RingTensor(matrix.Shape[1]);
        RingOps.SumAxis(matrix.Share.Span, matrix.Shape, 0, z.Span);
        return matrix.WithShare(z);
    }

    public SharedTensor Transpose(SharedTensor matrix)
    {
        int m = matrix.Shape[0], n = matrix.Shape[1];
        var z = new RingTensor(n, m);
        RingOps.Transpose(matrix.Share.Span, z.Span, m, n);
        return matrix.WithShare(z);
    }

    public ValueTask<SharedTensor> MatMulAsync(SharedTensor a, SharedTensor b, CancellationToken cancellationToken) =>
        Beaver.MatMulAsync(Context, a, b, cancellationToken);

    public async ValueTask<SharedTensor> ConvolveAsync(SharedTensor images, SharedTensor filters, Conv2dGeometry geometry, CancellationToken cancellationToken)
    {
        var raw = await Convolution.PixelRowsRawAsync(Context, images, filters, geometry, cancellationToken).ConfigureAwait(false);
        return await Truncation.TruncateAsync(Context, raw, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SharedTensor> ConvolutionFilterGradientAsync(SharedTensor images, SharedTensor outputRows, Conv2dGeometry geometry, CancellationToken cancellationToken)
    {
        var raw = await Convolution.FilterGradientRawAsync(Context, images, outputRows, geometry, cancellationToken).ConfigureAwait(false);
        return await Truncation.TruncateAsync(Context, raw, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SharedTensor> ConvolutionInputGradientAsync(
        SharedTensor outputRows, SharedTensor filters, Conv2dGeometry geometry, int batch, CancellationToken cancellationToken)
    {
        // Fold back before truncating: col2im is linear, and it shrinks the (N·OH·OW)×(C·KH·KW) product to N×C×H×W —
        // the dealer's triple is folded the same way, so it costs the image's size, not the product's.
        if (outputRows.Shape[0] != batch * geometry.OutputPixels)
        {
            throw LearningError.ShapeMismatch("ConvolutionInputGradient rows", [batch * geometry.OutputPixels, -1], outputRows.Shape);
        }
        var raw = await Convolution.InputGradientRawAsync(Context, outputRows, filters, geometry, cancellationToken).ConfigureAwait(false);
        return await Truncation.TruncateAsync(Context, raw, cancellationToken).ConfigureAwait(false);
    }

    public SharedTensor Im2Col(SharedTensor images, Conv2dGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        int batch = images.Shape[0];
        var z = new RingTensor(batch * geometry.OutputPixels, geometry.PatchSize);
        RingOps.Im2Col(images.Share.Span, batch, geometry, z.Span);
        return images.WithShare(z);
    }

    public SharedTensor Col2Im(SharedTensor columns, Conv2dGeometry geometry, int batch)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var z = new RingTensor(batch, geometry.Channels, geometry.Height, geometry.Width);
        RingOps.Col2Im(columns.Share.Span, batch, geometry, z.Span);
        return columns.WithShare(z);
    }

    public SharedTensor PixelRowsToImages(SharedTensor rows, int batch, int height, int width, SharedTensor? channelBias = null)
    {
        int channels = rows.Shape[1];
        if (channelBias is not null && (channelBias.Share.Rank != 1 || channelBias.Shape[0] != channels))
        {
            throw LearningError.ShapeMismatch("PixelRowsToImages bias", [channels], channelBias.Shape);
        }
        var z = new RingTensor(batch, channels, height, width);
        RingOps.PixelRowsToImages(rows.Share.Span, z.Span, batch, channels, height * width, channelBias is null ? default : channelBias.Share.Span);
        return rows.WithShare(z);
    }

    public SharedTensor ImagesToPixelRows(SharedTensor images)
    {
        int batch = images.Shape[0], channels = images.Shape[1], pixels = images.Shape[2] * images.Shape[3];
        var z = new RingTensor(batch * pixels, channels);
        RingOps.ImagesToPixelRows(images.Share.Span, z.Span, batch, channels, pixels);
        return images.WithShare(z);
    }

    public ValueTask<SharedTensor> AvgPool2dAsync(SharedTensor images, int kernelSize, int stride, CancellationToken cancellationToken) =>
        PoolingOps.AvgPool2dAsync(Context, images, kernelSize, stride, cancellationToken);

    public async ValueTask<SharedTensor> AvgPool2dBackwardAsync(
        SharedTensor outputGradient, int[] inputShape, int kernelSize, int stride, CancellationToken cancellationToken)
    {
        // Scale first, then spread: the truncation runs on the pooled size, k² times fewer elements than the input's.
        var scaled = await ScaleAsync(outputGradient, 1.0 / (kernelSize * kernelSize), cancellationToken).ConfigureAwait(false);
        var windows = PoolWindows.Of(inputShape, kernelSize, stride);
        var spread = new RingTensor(inputShape);
        windows.SpreadAdd(scaled.Share.Span, spread.Span);   // local: a sum of shares
        return outputGradient.WithShare(spread);
    }

    public ValueTask<(SharedTensor Output, SharedTensor Selection)> MaxPool2dAsync(SharedTensor images, int kernelSize, int stride, CancellationToken cancellationToken) =>
        PoolingOps.MaxPool2dWithArgMaxAsync(Context, images, kernelSize, stride, cancellationToken);

    public ValueTask<SharedTensor> MaxPool2dBackwardAsync(
        SharedTensor outputGradient, SharedTensor selection, int[] inputShape, int kernelSize, int stride, CancellationToken cancellationToken) =>
        PoolingOps.MaxPool2dBackwardAsync(Context, outputGradient, selection, inputShape, kernelSize, stride, cancellationToken);

    public async ValueTask<(SharedTensor Output, SharedTensor Derivative)> ReluAsync(SharedTensor x, CancellationToken cancellationToken)
    {
        if (!PrepareReluBackward)
        {
            return await Comparison.ReluWithDerivativeAsync(Context, x, cancellationToken).ConfigureAwait(false);
        }
        var (output, derivative) = await Comparison.ReluForBackwardAsync(Context, x, cancellationToken).ConfigureAwait(false);
        _reluDerivatives.AddOrUpdate(derivative.Sign, derivative);
        return (output, derivative.Sign);
    }

    public ValueTask<SharedTensor> MultiplyByDerivativeAsync(SharedTensor x, SharedTensor derivative, CancellationToken cancellationToken)
    {
        if (_reluDerivatives.TryGetValue(derivative, out var prepared))
        {
            _reluDerivatives.Remove(derivative);
            return Comparison.MultiplyByDerivativeAsync(Context, x, prepared, cancellationToken);
        }
        return Beaver.MultiplyRawAsync(Context, x, derivative, cancellationToken);
    }

    public async ValueTask<SharedTensor> ScaleAsync(SharedTensor x, double factor, CancellationToken cancellationToken)
    {
        var scaled = LinearOps.MultiplyPublic(Context, x, Context.Format.Encode(factor));
        return await Truncation.TruncateAsync(Context, scaled, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SharedTensor[]> ScaleEachAsync(IReadOnlyList<(SharedTensor Value, double Factor)> terms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0)
        {
            return [];
        }
        // Every product x·c at 2f fractional bits into one tensor, one truncation, then cut back: shapes are public.
        var products = new RingTensor(terms.Sum(t => t.Value.Length));
        int at = 0;
        foreach (var (value, factor) in terms)
        {
            RingOps.MultiplyScalar(value.Share.Span, Context.Format.Encode(factor), products.Span.Slice(at, value.Length));
            at += value.Length;
        }
        var truncated = await Truncation.TruncateAsync(Context, new SharedTensor(Context.PartyId, products, Context.Format), cancellationToken).ConfigureAwait(false);
        var results = new SharedTensor[terms.Count];
        at = 0;
        for (int i = 0; i < terms.Count; i++)
        {
            var value = terms[i].Value;
            results[i] = value.WithShare(new RingTensor(truncated.Share.Span.Slice(at, value.Length).ToArray(), value.Shape.ToArray()));
            at += value.Length;
        }
        return results;
    }

    public ValueTask<SharedTensor> SoftmaxAsync(SharedTensor logits, CancellationToken cancellationToken) =>
        Functions.SoftmaxAlongLastAxisAsync(Context, logits, cancellationToken);
}
