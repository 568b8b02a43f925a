namespace Imguard.Mpc.Ring;

public static partial class RingOps
{
    /// <summary>
    /// Unfolds images into the patch matrix of a convolution ("im2col") so that a convolution becomes one matrix product.
    /// </summary>
    /// <param name="images">N × C × H × W, row-major (N = <paramref name="batch"/>; C, H, W from <paramref name="geometry"/>).</param>
    /// <param name="batch">Number of images N (may be 0).</param>
    /// <param name="geometry">Channels, image size, kernel size, stride and zero padding.</param>
    /// <param name="columns">
    /// (N · OH · OW) × (C · KH · KW), row-major: row <c>(n · OH + oy) · OW + ox</c> is the receptive field of output pixel
    /// (oy, ox) of image n, and column <c>(c · KH + ky) · KW + kx</c> holds input pixel
    /// (c, oy · stride − padding + ky, ox · stride − padding + kx), or 0 where that lies in the padding. With weights W of
    /// shape OutChannels × (C · KH · KW), the convolution is columns · Wᵀ, of shape (N · OH · OW) × OutChannels.
    /// Must not overlap <paramref name="images"/>.
    /// </param>
    public static void Im2Col(ReadOnlySpan<ulong> images, int batch, Conv2dGeometry geometry, Span<ulong> columns)
    {
        CheckConvolution(images.Length, batch, geometry, columns.Length);
        CheckDisjoint(images, columns, nameof(columns));
        ConvolutionWalk(images, batch, geometry, columns, new GatherStep());
    }

    /// <summary>
    /// The transpose of <see cref="Im2Col"/>'s patch matrix, (C · KH · KW) × (N · OH · OW), written directly: what a
    /// filter gradient im2col(x)ᵀ·g multiplies, without unfolding first and transposing a matrix 25–400 times the
    /// image's size afterwards. Must not overlap <paramref name="images"/>.
    /// </summary>
    public static void Im2ColTransposed(ReadOnlySpan<ulong> images, int batch, Conv2dGeometry geometry, Span<ulong> columnsTransposed)
    {
        CheckConvolution(images.Length, batch, geometry, columnsTransposed.Length);
        CheckDisjoint(images, columnsTransposed, nameof(columnsTransposed));
        var g = geometry;
        int h = g.Height, w = g.Width, s = g.Stride, pad = g.Padding, oh = g.OutputHeight, ow = g.OutputWidth;
        int rows = batch * g.OutputPixels;
        for (int ch = 0; ch < g.Channels; ch++)
        {
            for (int ky = 0; ky < g.KernelHeight; ky++)
            {
                for (int kx = 0; kx < g.KernelWidth; kx++)
                {
                    var row = columnsTransposed.Slice(((ch * g.KernelHeight + ky) * g.KernelWidth + kx) * rows, rows);
                    // Output columns ox whose input column ix = ox·s − pad + kx lies inside the image: [ox0, ox1).
                    int first = pad - kx, last = w - 1 + pad - kx;   // ox·s must lie in [first, last]
                    int ox0 = first <= 0 ? 0 : Math.Min(ow, (first + s - 1) / s);
                    int ox1 = last < 0 ? ox0 : Math.Max(ox0, Math.Min(ow, last / s + 1));
                    for (int n = 0; n < batch; n++)
                    {
                        for (int oy = 0; oy < oh; oy++)
                        {
                            var target = row.Slice((n * oh + oy) * ow, ow);
                            int iy = oy * s - pad + ky;
                            if ((uint)iy >= (uint)h || ox0 == ox1)
                            {
                                target.Clear();
                                continue;
                            }
                            target[..ox0].Clear();
                            target[ox1..].Clear();
                            var source = images.Slice(((n * g.Channels + ch) * h + iy) * w, w);
                            int ix = ox0 * s - pad + kx;
                            if (s == 1)
                            {
                                source.Slice(ix, ox1 - ox0).CopyTo(target[ox0..ox1]);
                            }
                            else
                            {
                                for (int ox = ox0; ox < ox1; ox++, ix += s)
                                {
                                    target[ox] = source[ix];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Im2Col"/> ("col2im"): <paramref name="images"/> is overwritten with, for every input
    /// pixel, the sum of all entries of <paramref name="columns"/> that <see cref="Im2Col"/> would have copied from it;
    /// entries in the padding are dropped. Layouts as in <see cref="Im2Col"/>, so that
    /// ⟨Im2Col(x), y⟩ = ⟨x, Col2Im(y)⟩ over Z_2^64. This is the backward pass of a convolution with respect to its input.
    /// </summary>
    public static void Col2Im(ReadOnlySpan<ulong> columns, int batch, Conv2dGeometry geometry, Span<ulong> images)
    {
        CheckConvolution(images.Length, batch, geometry, columns.Length);
        CheckDisjoint(columns, images, nameof(images));
        images.Clear();
        ConvolutionWalk(columns, batch, geometry, images, new ScatterStep());
    }

    private static void CheckConvolution(int imagesLength, int batch, Conv2dGeometry geometry, int columnsLength)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.EnsureValid();
        if (batch < 0)
        {
            throw MpcError.OutOfRange(nameof(batch), "The batch size must be non-negative.");
        }
        long imageElements = (long)batch * geometry.ImageSize;
        long columnElements = (long)batch * geometry.OutputPixels * geometry.PatchSize;
        if (imageElements != imagesLength)
        {
            MpcError.ThrowLengthMismatch($"convolution images (N = {batch})", imageElements, imagesLength);
        }
        if (columnElements != columnsLength)
        {
            MpcError.ThrowLengthMismatch($"convolution columns (N = {batch})", columnElements, columnsLength);
        }
    }

    /// <summary>
    /// Visits every (output pixel, channel, kernel row) and hands the step the contiguous run of kernel columns that lies
    /// inside the image: columns [kx0, kx1) of the patch row match image columns [ix0, ix0 + kx1 − kx0).
    /// </summary>
    private static void ConvolutionWalk<TStep>(ReadOnlySpan<ulong> source, int batch, Conv2dGeometry g, Span<ulong> destination, TStep step)
        where TStep : struct, IConvolutionStep
    {
        int c = g.Channels, h = g.Height, w = g.Width, kh = g.KernelHeight, kw = g.KernelWidth, s = g.Stride, pad = g.Padding;
        int oh = g.OutputHeight, ow = g.OutputWidth, patch = g.PatchSize;
        int imageSize = g.ImageSize;
        ReadOnlySpan<ulong> src = source;
        for (int n = 0; n < batch; n++)
        {
            int imageBase = n * imageSize;
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    int row = ((n * oh + oy) * ow + ox) * patch;
                    int ixStart = ox * s - pad;
                    int kx0 = Math.Max(0, -ixStart);
                    int kx1 = Math.Min(kw, w - ixStart);
                    for (int ch = 0; ch < c; ch++)
                    {
                        for (int ky = 0; ky < kh; ky++)
                        {
                            int iy = oy * s - pad + ky;
                            int col = row + (ch * kh + ky) * kw;
                            bool inside = (uint)iy < (uint)h && kx0 < kx1;
                            int image = imageBase + (ch * h + iy) * w + ixStart;
                            step.Apply(src, destination, inside, col, image, kw, kx0, kx1);
                        }
                    }
                }
            }
        }
    }

    private interface IConvolutionStep
    {
        /// <summary>Moves one kernel row between the patch row at <paramref name="column"/> and the image row at <paramref name="image"/>.</summary>
        void Apply(ReadOnlySpan<ulong> source, Span<ulong> destination, bool inside, int column, int image, int kernelWidth, int kx0, int kx1);
    }

    /// <summary>Im2Col: image → patch row, zeros in the padding.</summary>
    private readonly struct GatherStep : IConvolutionStep
    {
        public void Apply(ReadOnlySpan<ulong> source, Span<ulong> destination, bool inside, int column, int image, int kernelWidth, int kx0, int kx1)
        {
            Span<ulong> target = destination.Slice(column, kernelWidth);
            if (!inside)
            {
                target.Clear();
                return;
            }
            target[..kx0].Clear();
            source.Slice(image + kx0, kx1 - kx0).CopyTo(target[kx0..kx1]);
            target[kx1..].Clear();
        }
    }

    /// <summary>Col2Im: patch row → image, added; padding entries dropped.</summary>
    private readonly struct ScatterStep : IConvolutionStep
    {
        public void Apply(ReadOnlySpan<ulong> source, Span<ulong> destination, bool inside, int column, int image, int kernelWidth, int kx0, int kx1)
        {
            if (!inside)
            {
                return;
            }
            ReadOnlySpan<ulong> from = source.Slice(column + kx0, kx1 - kx0);
            Span<ulong> to = destination.Slice(image + kx0, kx1 - kx0);
            for (int i = 0; i < from.Length; i++)
            {
                to[i] += from[i];
            }
        }
    }
}
