namespace Imguard.Mpc.Preprocessing;

/// <summary>The kinds of correlated randomness the online protocols consume (one <see cref="ICorrelatedRandomness"/> method each).</summary>
public enum RandomnessKind
{
    /// <summary>Element-wise Beaver triple (a, b, a⊙b).</summary>
    ElementwiseTriple = 1,

    /// <summary>Matrix Beaver triple (A, B, A·B).</summary>
    MatrixTriple = 2,

    /// <summary>Mask r with ⌊r/2^f⌋ and the wrap correction for one-round truncation.</summary>
    Truncation = 3,

    /// <summary>Mask r with DCF keys for the sign bit (DReLU).</summary>
    Sign = 4,

    /// <summary>Mask r with DCF keys for the sign bit and the sign bit times r (one-round ReLU).</summary>
    SignWithProduct = 5,

    /// <summary>Mask r with bit shares of r, carry-tree AND triples and a bit-injection pair (binary-circuit DReLU).</summary>
    BitSign = 6,

    /// <summary>As <see cref="BitSign"/>, plus the share of t·r that makes the ReLU product free (binary-circuit ReLU).</summary>
    BitSignWithProduct = 7,

    /// <summary>Convolution-shaped Beaver triple: image mask A, filter mask B, C = im2col(A)·B (open the image, not its unfolding).</summary>
    ConvolutionTriple = 8,

    /// <summary>Filter-gradient triple: image mask A, output-gradient mask B, C = im2col(A)ᵀ·B (open the image, not its unfolding).</summary>
    ConvolutionFilterGradientTriple = 9,

    /// <summary>
    /// As <see cref="BitSignWithProduct"/>, plus a mask u and the share of u·t for the ReLU's backward product g·s:
    /// with t the Beaver triple's second factor, only g − u is opened (one word per element instead of two).
    /// </summary>
    BitSignForBackward = 10,

    /// <summary>
    /// Input-gradient triple of a convolution: output-gradient mask A ((N·OH·OW)×OC), filter mask B (OC×(C·KH·KW)) and
    /// C = col2im(A·B), the image-sized fold of the product (the parties fold their part locally too).
    /// </summary>
    ConvolutionInputGradientTriple = 11,
}
