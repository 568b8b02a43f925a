namespace Imguard.Mpc.Ring;

/// <summary>
/// The geometry of a 2-D convolution over one image of <see cref="Channels"/> × <see cref="Height"/> ×
/// <see cref="Width"/> with a square-stepped kernel of <see cref="KernelHeight"/> × <see cref="KernelWidth"/>, equal
/// <see cref="Stride"/> and zero <see cref="Padding"/> on both axes. Construction checks that every dimension is positive,
/// the padding non-negative and that the kernel fits into the padded image.
/// </summary>
public sealed record Conv2dGeometry(int Channels, int Height, int Width, int KernelHeight, int KernelWidth, int Stride = 1, int Padding = 0)
{
    // Runs the check when the primary constructor does; the stored flag is always true.
    private readonly bool _validated = Validate(Channels, Height, Width, KernelHeight, KernelWidth, Stride, Padding);

    /// <summary>Output rows: (Height + 2·Padding − KernelHeight) / Stride + 1.</summary>
    public int OutputHeight => (Height + 2 * Padding - KernelHeight) / Stride + 1;

    /// <summary>Output columns: (Width + 2·Padding − KernelWidth) / Stride + 1.</summary>
    public int OutputWidth => (Width + 2 * Padding - KernelWidth) / Stride + 1;

    /// <summary>Elements of one receptive field, Channels · KernelHeight · KernelWidth: the column count of im2col.</summary>
    public int PatchSize => Channels * KernelHeight * KernelWidth;

    /// <summary>Output pixels per image and channel, OutputHeight · OutputWidth: the row count of im2col per image.</summary>
    public int OutputPixels => OutputHeight * OutputWidth;

    /// <summary>Elements of one input image, Channels · Height · Width.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>Checks again (a <c>with</c> expression bypasses the constructor's check); kernels call it at their boundary.</summary>
    internal void EnsureValid()
    {
        Validate(Channels, Height, Width, KernelHeight, KernelWidth, Stride, Padding);
    }

    private static bool Validate(int channels, int height, int width, int kernelHeight, int kernelWidth, int stride, int padding)
    {
        if (channels <= 0 || height <= 0 || width <= 0 || kernelHeight <= 0 || kernelWidth <= 0 || stride <= 0)
        {
            throw MpcError.InvalidShape(
                $"Convolution dimensions must be positive: channels {channels}, image {height} × {width}, kernel {kernelHeight} × {kernelWidth}, stride {stride}.");
        }
        if (padding < 0)
        {
            throw MpcError.InvalidShape($"Convolution padding must be non-negative, got {padding}.");
        }
        if ((long)height + 2L * padding < kernelHeight || (long)width + 2L * padding < kernelWidth)
        {
            throw MpcError.InvalidShape(
                $"A {kernelHeight} × {kernelWidth} kernel does not fit a {height} × {width} image with padding {padding}.");
        }
        long patch = (long)channels * kernelHeight * kernelWidth;
        long image = (long)channels * height * width;
        if (patch > Array.MaxLength || image > Array.MaxLength)
        {
            throw MpcError.InvalidShape("Convolution geometry is larger than an array can hold.");
        }
        return true;
    }
}
