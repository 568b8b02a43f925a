namespace Imguard.Mpc.Ring;

public static partial class RingOps
{
    /// <summary>
    /// (N·H·W)×C rows, one per pixel (the layout of an im2col product), to N×C×H×W images, plus
    /// <paramref name="channelOffsets"/>[c] on channel c when given (a convolution's bias, added in the same pass
    /// instead of in a second copy of the tensor). No overlap allowed.
    /// </summary>
    public static void PixelRowsToImages(ReadOnlySpan<ulong> rows, Span<ulong> images, int batch, int channels, int pixels,
        ReadOnlySpan<ulong> channelOffsets = default)
    {
        CheckLayout(rows, images, batch, channels, pixels);
        if (!channelOffsets.IsEmpty && channelOffsets.Length != channels)
        {
            MpcError.ThrowLengthMismatch("channel offsets", channels, channelOffsets.Length);
        }
        for (int n = 0; n < batch; n++)
        {
            for (int p = 0; p < pixels; p++)
            {
                var row = rows.Slice((n * pixels + p) * channels, channels);
                for (int c = 0; c < channels; c++)
                {
                    images[(n * channels + c) * pixels + p] = channelOffsets.IsEmpty ? row[c] : unchecked(row[c] + channelOffsets[c]);
                }
            }
        }
    }

    /// <summary>N×C×H×W images to (N·H·W)×C rows, one per pixel: the inverse of <see cref="PixelRowsToImages"/>.</summary>
    public static void ImagesToPixelRows(ReadOnlySpan<ulong> images, Span<ulong> rows, int batch, int channels, int pixels)
    {
        CheckLayout(images, rows, batch, channels, pixels);
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                var plane = images.Slice((n * channels + c) * pixels, pixels);
                for (int p = 0; p < pixels; p++)
                {
                    rows[(n * pixels + p) * channels + c] = plane[p];
                }
            }
        }
    }

    private static void CheckLayout(ReadOnlySpan<ulong> source, Span<ulong> destination, int batch, int channels, int pixels)
    {
        long length = (long)batch * channels * pixels;
        if (batch < 0 || channels < 0 || pixels < 0 || source.Length != length || destination.Length != length)
        {
            MpcError.ThrowLengthMismatch("pixel-row layout", length, source.Length);
        }
        if (source.Overlaps(destination))
        {
            throw MpcError.Overlap(nameof(destination));
        }
    }
}
