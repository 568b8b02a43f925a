namespace Imguard.Learning.Nn;

/// <summary>
/// Index arithmetic shared by both engines for k×k pooling windows with stride s and no padding over N×C×H×W:
/// which input element each (output element, window position) reads.
/// </summary>
internal readonly record struct PoolWindows(int Batch, int Channels, int Height, int Width, int KernelSize, int Stride)
{
    public static PoolWindows Of(ReadOnlySpan<int> shape, int kernelSize, int stride)
    {
        if (shape.Length != 4 || kernelSize < 1 || stride < 1 || shape[2] < kernelSize || shape[3] < kernelSize)
        {
            throw LearningError.InvalidArgument(
                $"Pooling needs N×C×H×W input at least {kernelSize}×{kernelSize} and a positive stride; got [{string.Join(", ", shape.ToArray())}], stride {stride}.");
        }
        return new PoolWindows(shape[0], shape[1], shape[2], shape[3], kernelSize, stride);
    }

    public int OutputHeight => (Height - KernelSize) / Stride + 1;

    public int OutputWidth => (Width - KernelSize) / Stride + 1;

    public int[] OutputShape => [Batch, Channels, OutputHeight, OutputWidth];

    /// <summary>N×C×OH×OW×k²: one entry per (output element, window position).</summary>
    public int[] SelectionShape => [Batch, Channels, OutputHeight, OutputWidth, KernelSize * KernelSize];

    public int OutputLength => Batch * Channels * OutputHeight * OutputWidth;

    /// <summary>
    /// Adds each output element's value to every input element of its window (in the ring: wrapping): the backward
    /// of a sum over windows. The direct loops of <see cref="ForEach(Action{int, int})"/>, without a call per element.
    /// </summary>
    public void SpreadAdd(ReadOnlySpan<ulong> outputs, Span<ulong> inputs)
    {
        if (outputs.Length != OutputLength || inputs.Length != Batch * Channels * Height * Width)
        {
            throw LearningError.InvalidArgument($"Spreading needs {OutputLength} outputs and {Batch * Channels * Height * Width} inputs; got {outputs.Length} and {inputs.Length}.");
        }
        int oh = OutputHeight, ow = OutputWidth, k = KernelSize;
        for (int plane = 0; plane < Batch * Channels; plane++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                var row = outputs.Slice((plane * oh + oy) * ow, ow);
                for (int ky = 0; ky < k; ky++)
                {
                    var target = inputs.Slice((plane * Height + oy * Stride + ky) * Width, Width);
                    for (int ox = 0; ox < ow; ox++)
                    {
                        ulong v = row[ox];
                        var window = target.Slice(ox * Stride, k);
                        for (int kx = 0; kx < k; kx++)
                        {
                            window[kx] = unchecked(window[kx] + v);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Calls <paramref name="visit"/>(output index, input index) for every element of every window.</summary>
    public void ForEach(Action<int, int> visit) => ForEach((output, _, input) => visit(output, input));

    /// <summary>
    /// Calls <paramref name="visit"/>(output index, slot, input index) for every element of every window, in slot order;
    /// slot = output · k² + ky · k + kx indexes an N×C×OH×OW×k² tensor (max pooling's selection).
    /// </summary>
    public void ForEach(Action<int, int, int> visit)
    {
        int oh = OutputHeight, ow = OutputWidth, window = KernelSize * KernelSize;
        for (int plane = 0; plane < Batch * Channels; plane++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    int output = (plane * oh + oy) * ow + ox;
                    for (int ky = 0; ky < KernelSize; ky++)
                    {
                        for (int kx = 0; kx < KernelSize; kx++)
                        {
                            visit(output, output * window + ky * KernelSize + kx, (plane * Height + oy * Stride + ky) * Width + ox * Stride + kx);
                        }
                    }
                }
            }
        }
    }
}
