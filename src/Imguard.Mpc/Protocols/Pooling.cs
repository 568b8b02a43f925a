using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// 2-D max and average pooling of shared NCHW tensors, square kernel k, stride s, no padding (output side
/// ⌊(H − k)/s⌋ + 1, as PyTorch's <c>MaxPool2d</c>/<c>AvgPool2d</c>; secure max as in CrypTen's <c>_max_pool2d</c>).
/// Max: the windows are gathered locally into rows of k² and reduced by <see cref="Selection.MaxAlongLastAxisAsync"/>:
/// ⌈log2 k²⌉ rounds, k² − 1 words per output element each way; exact.
/// Max with arg-max (for training): the same rows through <see cref="Selection.MaxWithArgMaxAlongLastAxisAsync"/>:
/// L + ⌈log2 L⌉ rounds with L = ⌈log2 k²⌉ (k = 2: 3 rounds, k = 3: 6), k² − 1 comparisons per output element;
/// words per output element each way: k = 2: 11, k = 3: 44. Exact. Its backward routes each output gradient to the
/// selected input: one raw product of the broadcast gradient with the 0/1 selection (1 round, 2k² words per output
/// element each way, exact: no truncation) and a local scatter-add (overlapping windows add up).
/// Average: window sums are local; one product with the public constant c = round(2^(f+e)/k²) and one truncation by
/// f + e bits (e = <see cref="AverageExtraBits"/> guard bits, so that 1/k² costs no precision): 1 round, 1 word per
/// output element each way; error &lt; 1 ulp (truncation) + |window sum|·2^−(f+e+1) (rounding of c).
/// Needs |mean|·2^(2f+e) &lt; 2^62 (the truncation's range): |mean| &lt; 2^22 at f = 16.
/// </summary>
public static class Pooling
{
    /// <summary>Guard bits of the public factor 1/k² (capped so that the truncation stays within 40 bits).</summary>
    public const int AverageExtraBits = 8;

    /// <summary>Max over k×k windows with stride s of x [N, C, H, W]; result [N, C, H', W']. ⌈log2 k²⌉ rounds.</summary>
    public static async ValueTask<SharedTensor> MaxPool2dAsync(PartyContext ctx, SharedTensor x, int kernelSize, int stride, CancellationToken cancellationToken = default)
    {
        var g = Geometry.Of(ctx, x, kernelSize, stride, "MaxPool2d");
        var rows = GatherWindows(ctx, x, g, kernelSize, stride);
        var max = await Selection.MaxAlongLastAxisAsync(ctx, rows, cancellationToken).ConfigureAwait(false);
        return max.Reshape(g.OutputShape);
    }

    /// <summary>
    /// Max over k×k windows with stride s of x [N, C, H, W] and which entry of each window it is: Output [N, C, H', W'];
    /// Selection [N, C, H', W', k²], one-hot along the last axis as ring integers 0/1 (not fixed-point), the k² entries
    /// of a window in row-major (ky, kx) order; ties go to the first maximum in that order. L + ⌈log2 L⌉ rounds,
    /// L = ⌈log2 k²⌉.
    /// </summary>
    public static async ValueTask<(SharedTensor Output, SharedTensor Selection)> MaxPool2dWithArgMaxAsync(
        PartyContext ctx, SharedTensor x, int kernelSize, int stride, CancellationToken cancellationToken = default)
    {
        var g = Geometry.Of(ctx, x, kernelSize, stride, "MaxPool2d");
        var rows = GatherWindows(ctx, x, g, kernelSize, stride);
        var (max, oneHot) = await Selection.MaxWithArgMaxAlongLastAxisAsync(ctx, rows, cancellationToken).ConfigureAwait(false);
        return (max.Reshape(g.OutputShape), oneHot.Reshape([.. g.OutputShape, kernelSize * kernelSize]));
    }

    /// <summary>
    /// The gradient of <see cref="MaxPool2dWithArgMaxAsync"/>: each output gradient [N, C, H', W'] times its window's
    /// 0/1 selection [N, C, H', W', k²], added into the input position it selected; result of
    /// <paramref name="inputShape"/> [N, C, H, W]. 1 round, 2k² words per output element each way; exact.
    /// </summary>
    public static async ValueTask<SharedTensor> MaxPool2dBackwardAsync(
        PartyContext ctx, SharedTensor outputGradient, SharedTensor selection, int[] inputShape, int kernelSize, int stride,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(inputShape);
        ctx.Check(outputGradient);
        ctx.Check(selection);
        var g = Geometry.Of(inputShape, kernelSize, stride, "MaxPool2dBackward");
        int k = kernelSize, window = k * k;
        Linear.RequireSameShape("MaxPool2dBackward (output gradient)", g.OutputShape, outputGradient.Shape);
        Linear.RequireSameShape("MaxPool2dBackward (selection)", [.. g.OutputShape, window], selection.Shape);
        var result = new ulong[g.Planes * g.Height * g.Width];
        if (g.Outputs == 0)
        {
            return ctx.Wrap(result, inputShape);                                            // empty batch: nothing to open
        }
        var gradient = outputGradient.Share.Data;
        var broadcast = new ulong[g.Outputs * window];
        for (int o = 0; o < g.Outputs; o++)
        {
            Array.Fill(broadcast, gradient[o], o * window, window);                         // every entry of window o gets g_o
        }
        var routed = await Beaver.MultiplyRawAsync(ctx, ctx.Wrap(broadcast, selection.Shape), selection, cancellationToken)
            .ConfigureAwait(false);                                                          // g_o · 1{entry selected}: a 0/1 integer factor, no truncation
        var contributions = routed.Share.Data;
        int row = 0;
        for (int plane = 0; plane < g.Planes; plane++)
        {
            int planeOffset = plane * g.Height * g.Width;
            for (int oy = 0; oy < g.OutHeight; oy++)
            {
                for (int ox = 0; ox < g.OutWidth; ox++, row++)
                {
                    for (int ky = 0; ky < k; ky++)
                    {
                        int s = planeOffset + (oy * stride + ky) * g.Width + ox * stride;
                        int o = row * window + ky * k;
                        for (int kx = 0; kx < k; kx++)
                        {
                            result[s + kx] = unchecked(result[s + kx] + contributions[o + kx]);   // scatter-add (local on shares)
                        }
                    }
                }
            }
        }
        return ctx.Wrap(result, inputShape);
    }

    /// <summary>Mean over k×k windows with stride s of x [N, C, H, W]; result [N, C, H', W']. 1 round.</summary>
    public static async ValueTask<SharedTensor> AvgPool2dAsync(PartyContext ctx, SharedTensor x, int kernelSize, int stride, CancellationToken cancellationToken = default)
    {
        var g = Geometry.Of(ctx, x, kernelSize, stride, "AvgPool2d");
        int k = kernelSize;
        int f = ctx.Format.FractionalBits;
        int shift = Math.Min(f + AverageExtraBits, 40);
        ulong inverseArea = (ulong)Math.Round(Math.ScaleB(1.0, shift) / (k * k));          // c = round(2^(f+e)/k²)
        var source = x.Share.Data;
        var sums = new ulong[g.Outputs];
        int o = 0;
        for (int plane = 0; plane < g.Planes; plane++)
        {
            int planeOffset = plane * g.Height * g.Width;
            for (int oy = 0; oy < g.OutHeight; oy++)
            {
                for (int ox = 0; ox < g.OutWidth; ox++, o++)
                {
                    ulong sum = 0;
                    for (int ky = 0; ky < k; ky++)
                    {
                        int s = planeOffset + (oy * stride + ky) * g.Width + ox * stride;
                        for (int kx = 0; kx < k; kx++)
                        {
                            sum = unchecked(sum + source[s + kx]);                          // Σ window (local on shares)
                        }
                    }
                    sums[o] = unchecked(sum * inverseArea);                                 // Σ · c: scale 2f + e
                }
            }
        }
        var scaled = ctx.Wrap(sums, g.OutputShape);
        if (g.Outputs == 0)
        {
            return scaled;                                                                  // empty batch: nothing to open
        }
        return await Truncation.TruncateAsync(ctx, scaled, shift, cancellationToken).ConfigureAwait(false); // / 2^(f+e)
    }

    /// <summary>The windows of x gathered into rows of k² (row-major (ky, kx)), one row per output element: [outputs, k²].</summary>
    private static SharedTensor GatherWindows(PartyContext ctx, SharedTensor x, Geometry g, int k, int stride)
    {
        int window = k * k;
        var source = x.Share.Data;
        var windows = new ulong[g.Outputs * window];
        int row = 0;
        for (int plane = 0; plane < g.Planes; plane++)
        {
            int planeOffset = plane * g.Height * g.Width;
            for (int oy = 0; oy < g.OutHeight; oy++)
            {
                for (int ox = 0; ox < g.OutWidth; ox++, row++)
                {
                    int o = row * window;
                    for (int ky = 0; ky < k; ky++)
                    {
                        int s = planeOffset + (oy * stride + ky) * g.Width + ox * stride;
                        Array.Copy(source, s, windows, o + ky * k, k);
                    }
                }
            }
        }
        return ctx.Wrap(windows, [g.Outputs, window]);
    }

    private readonly record struct Geometry(int Planes, int Height, int Width, int OutHeight, int OutWidth, int[] OutputShape)
    {
        public int Outputs => Planes * OutHeight * OutWidth;

        public static Geometry Of(PartyContext ctx, SharedTensor x, int kernelSize, int stride, string what)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            ctx.Check(x);
            return Of(x.Shape, kernelSize, stride, what);
        }

        public static Geometry Of(ReadOnlySpan<int> shape, int kernelSize, int stride, string what)
        {
            if (shape.Length != 4)
            {
                throw MpcError.InvalidShape($"{what} needs an NCHW tensor of rank 4; got [{string.Join(", ", shape.ToArray())}].");
            }
            if (kernelSize < 1)
            {
                throw MpcError.OutOfRange(nameof(kernelSize), $"{what} needs a kernel size of at least 1, got {kernelSize}.");
            }
            if (stride < 1)
            {
                throw MpcError.OutOfRange(nameof(stride), $"{what} needs a stride of at least 1, got {stride}.");
            }
            int n = shape[0], c = shape[1], h = shape[2], w = shape[3];
            if (h < kernelSize || w < kernelSize)
            {
                throw MpcError.InvalidShape($"{what}: a {kernelSize}×{kernelSize} kernel does not fit a {h}×{w} input (no padding).");
            }
            int outHeight = (h - kernelSize) / stride + 1, outWidth = (w - kernelSize) / stride + 1;
            return new Geometry(n * c, h, w, outHeight, outWidth, [n, c, outHeight, outWidth]);
        }
    }
}
