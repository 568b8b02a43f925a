using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// 2-D max and average pooling of shared NCHW tensors, square kernel k, stride s, no padding (output side
/// ⌊(H − k)/s⌋ + 1, as PyTorch's <c>MaxPool2d</c>/<c>AvgPool2d</c>; secure max as in CrypTen's <c>_max_pool2d</c>).
/// Max: the windows are gathered locally into rows of k² and reduced by <see cref="Selection.MaxAlongLastAxisAsync"/>:
/// ⌈log2 k²⌉ rounds, k² − 1 words per output element each way; exact.
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
        int k = kernelSize, window = k * k;
        var source = x.Share.Data;
        var windows = new ulong[g.Outputs * window];                                        // one row per output element
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
        var rows = ctx.Wrap(windows, [g.Outputs, window]);
        var max = await Selection.MaxAlongLastAxisAsync(ctx, rows, cancellationToken).ConfigureAwait(false);
        return max.Reshape(g.OutputShape);
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

    private readonly record struct Geometry(int Planes, int Height, int Width, int OutHeight, int OutWidth, int[] OutputShape)
    {
        public int Outputs => Planes * OutHeight * OutWidth;

        public static Geometry Of(PartyContext ctx, SharedTensor x, int kernelSize, int stride, string what)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            ctx.Check(x);
            if (x.Share.Rank != 4)
            {
                throw MpcError.InvalidShape($"{what} needs an NCHW tensor of rank 4; got [{string.Join(", ", x.Shape.ToArray())}].");
            }
            if (kernelSize < 1)
            {
                throw MpcError.OutOfRange(nameof(kernelSize), $"{what} needs a kernel size of at least 1, got {kernelSize}.");
            }
            if (stride < 1)
            {
                throw MpcError.OutOfRange(nameof(stride), $"{what} needs a stride of at least 1, got {stride}.");
            }
            int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
            if (h < kernelSize || w < kernelSize)
            {
                throw MpcError.InvalidShape($"{what}: a {kernelSize}×{kernelSize} kernel does not fit a {h}×{w} input (no padding).");
            }
            int outHeight = (h - kernelSize) / stride + 1, outWidth = (w - kernelSize) / stride + 1;
            return new Geometry(n * c, h, w, outHeight, outWidth, [n, c, outHeight, outWidth]);
        }
    }
}
