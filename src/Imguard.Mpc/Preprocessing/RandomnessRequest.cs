namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// One item of correlated randomness, described by its kind and dimensions (never its values). Both parties and the
/// dealer see the same sequence of requests; item i of that sequence is derived from stream i of each party's seed.
/// Dimensions: element-wise kinds use <see cref="Length"/>; <see cref="RandomnessKind.MatrixTriple"/> uses
/// (M, K, N); <see cref="Parameter"/> is the fractional bits of a truncation or the bit width of a comparison.
/// </summary>
public readonly record struct RandomnessRequest(RandomnessKind Kind, int M, int K, int N, int Parameter)
{
    public static RandomnessRequest ElementwiseTriple(int length) => new(RandomnessKind.ElementwiseTriple, length, 0, 0, 0);

    public static RandomnessRequest MatrixTriple(int m, int k, int n) => new(RandomnessKind.MatrixTriple, m, k, n, 0);

    public static RandomnessRequest Truncation(int length, int fractionalBits) => new(RandomnessKind.Truncation, length, 0, 0, fractionalBits);

    public static RandomnessRequest Sign(int length, int bits, bool withProduct) =>
        new(withProduct ? RandomnessKind.SignWithProduct : RandomnessKind.Sign, length, 0, 0, bits);

    public static RandomnessRequest BitSign(int length, int bits, bool withProduct) =>
        new(withProduct ? RandomnessKind.BitSignWithProduct : RandomnessKind.BitSign, length, 0, 0, bits);

    /// <summary>Binary ReLU material with the triple for the backward product by the derivative (<see cref="RandomnessKind.BitSignForBackward"/>).</summary>
    public static RandomnessRequest BitSignForBackward(int length, int bits) => new(RandomnessKind.BitSignForBackward, length, 0, 0, bits);

    /// <summary>
    /// A convolution triple for <paramref name="batch"/> images of <paramref name="geometry"/> and
    /// <paramref name="outChannels"/> filters. The geometry is packed into the request's integers: K = C | OC·2^16,
    /// N = H | W·2^16, Parameter = KH | KW·2^8 | stride·2^16 | padding·2^24 (each field range-checked).
    /// </summary>
    public static RandomnessRequest ConvolutionTriple(int batch, Ring.Conv2dGeometry geometry, int outChannels) =>
        Convolution(RandomnessKind.ConvolutionTriple, batch, geometry, outChannels);

    /// <summary>A filter-gradient triple (im2col(A)ᵀ·B) for the same convolution; packed as <see cref="ConvolutionTriple"/>.</summary>
    public static RandomnessRequest ConvolutionFilterGradientTriple(int batch, Ring.Conv2dGeometry geometry, int outChannels) =>
        Convolution(RandomnessKind.ConvolutionFilterGradientTriple, batch, geometry, outChannels);

    /// <summary>An input-gradient triple (col2im(A·B)) for the same convolution; packed as <see cref="ConvolutionTriple"/>.</summary>
    public static RandomnessRequest ConvolutionInputGradientTriple(int batch, Ring.Conv2dGeometry geometry, int outChannels) =>
        Convolution(RandomnessKind.ConvolutionInputGradientTriple, batch, geometry, outChannels);

    private static RandomnessRequest Convolution(RandomnessKind kind, int batch, Ring.Conv2dGeometry geometry, int outChannels)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        bool fits = geometry.Channels is > 0 and < 1 << 15 && outChannels is > 0 and < 1 << 15
            && geometry.Height is > 0 and < 1 << 15 && geometry.Width is > 0 and < 1 << 15
            && geometry.KernelHeight is > 0 and < 1 << 8 && geometry.KernelWidth is > 0 and < 1 << 8
            && geometry.Stride is > 0 and < 1 << 8 && geometry.Padding is >= 0 and < 1 << 7;
        if (!fits)
        {
            throw new ArgumentException($"A convolution of {geometry} with {outChannels} filters is outside the triple's limits.");
        }
        return new(kind, batch,
            geometry.Channels | (outChannels << 16), geometry.Height | (geometry.Width << 16),
            geometry.KernelHeight | (geometry.KernelWidth << 8) | (geometry.Stride << 16) | (geometry.Padding << 24));
    }

    /// <summary>The batch, geometry and filter count of a convolution or filter-gradient triple request.</summary>
    public (int Batch, Ring.Conv2dGeometry Geometry, int OutChannels) ConvolutionShape =>
        (M, new Ring.Conv2dGeometry(K & 0xFFFF, N & 0xFFFF, N >> 16, Parameter & 0xFF, (Parameter >> 8) & 0xFF,
            (Parameter >> 16) & 0xFF, Parameter >> 24), K >> 16);

    public int Length => Kind switch
    {
        RandomnessKind.MatrixTriple => checked(M * N),
        RandomnessKind.ConvolutionTriple => checked(M * ConvolutionShape.Geometry.OutputPixels * ConvolutionShape.OutChannels),
        RandomnessKind.ConvolutionFilterGradientTriple => checked(ConvolutionShape.Geometry.PatchSize * ConvolutionShape.OutChannels),
        RandomnessKind.ConvolutionInputGradientTriple => checked(M * ConvolutionShape.Geometry.ImageSize),
        _ => M,
    };

    public void Validate()
    {
        bool ok = Kind switch
        {
            RandomnessKind.ElementwiseTriple => M >= 0 && K == 0 && N == 0 && Parameter == 0,
            RandomnessKind.MatrixTriple => M >= 0 && K >= 0 && N >= 0 && Parameter == 0,
            RandomnessKind.Truncation => M >= 0 && K == 0 && N == 0 && Parameter is >= 1 and <= 40,
            RandomnessKind.Sign or RandomnessKind.SignWithProduct or RandomnessKind.BitSign or RandomnessKind.BitSignWithProduct
                or RandomnessKind.BitSignForBackward => M >= 0 && K == 0 && N == 0 && Parameter is >= 2 and <= 64,
            RandomnessKind.ConvolutionTriple or RandomnessKind.ConvolutionFilterGradientTriple or RandomnessKind.ConvolutionInputGradientTriple
                => M >= 0 && ValidConvolution(),
            _ => false,
        };
        if (!ok)
        {
            throw new ArgumentException($"Invalid randomness request {this}.");
        }
    }

    private bool ValidConvolution()
    {
        if (K <= 0 || N <= 0 || Parameter <= 0 || (K & 0xFFFF) == 0 || (K >> 16) == 0 || (N & 0xFFFF) == 0 || (N >> 16) == 0
            || (Parameter & 0xFF) == 0 || ((Parameter >> 8) & 0xFF) == 0 || ((Parameter >> 16) & 0xFF) == 0)
        {
            return false;
        }
        var g = ConvolutionShape.Geometry;
        long outChannels = K >> 16;
        return g.OutputHeight > 0 && g.OutputWidth > 0
            && (long)M * g.ImageSize < Array.MaxLength && (long)M * g.OutputPixels * g.PatchSize < Array.MaxLength
            && (long)M * g.OutputPixels * outChannels < Array.MaxLength && g.PatchSize * outChannels < Array.MaxLength;
    }

    public override string ToString() => Kind switch
    {
        RandomnessKind.ConvolutionTriple => DescribeConvolution("convolution triple"),
        RandomnessKind.ConvolutionFilterGradientTriple => DescribeConvolution("filter-gradient triple"),
        RandomnessKind.ConvolutionInputGradientTriple => DescribeConvolution("input-gradient triple"),
        RandomnessKind.MatrixTriple => $"matrix triple {M}×{K}·{K}×{N}",
        RandomnessKind.ElementwiseTriple => $"element-wise triple of {M}",
        RandomnessKind.Truncation => $"truncation of {M} by {Parameter} bits",
        RandomnessKind.Sign => $"sign keys for {M} elements of {Parameter} bits",
        RandomnessKind.SignWithProduct => $"ReLU keys for {M} elements of {Parameter} bits",
        RandomnessKind.BitSign => $"binary sign material for {M} elements of {Parameter} bits",
        RandomnessKind.BitSignWithProduct => $"binary ReLU material for {M} elements of {Parameter} bits",
        RandomnessKind.BitSignForBackward => $"binary ReLU material with a derivative triple for {M} elements of {Parameter} bits",
        _ => $"unknown randomness kind {(int)Kind}",
    };

    /// <summary>
    /// A convolution request in words. A header read from another party or the dealer can pack a geometry that does
    /// not exist (a negative padding, a kernel larger than the image); its description names the raw fields instead of
    /// throwing out of the error message that reports it.
    /// </summary>
    private string DescribeConvolution(string what)
    {
        try
        {
            return $"{what} of {M} images {ConvolutionShape.Geometry} with {K >> 16} filters";
        }
        catch (ArgumentException)
        {
            return $"{what} with an impossible geometry (M {M}, K {K}, N {N}, parameter {Parameter})";
        }
    }
}
