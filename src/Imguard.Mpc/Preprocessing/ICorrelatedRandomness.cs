namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// Where a party's correlated randomness comes from: one method per kind (as SPU's Beaver interface). The online
/// protocols depend only on this; today <see cref="DealerRandomness"/> (a trusted dealer with seed compression)
/// implements it, a dealerless source (the parties generating triples by correlated OT) can replace it later.
/// Every item is returned once and is single-use: taking the next item advances the source, and a material object
/// refuses a second use.
/// </summary>
public interface ICorrelatedRandomness
{
    /// <summary>The party (0 or 1) this source serves.</summary>
    int PartyId { get; }

    /// <summary>Shares of a, b and c = a ⊙ b, each of <paramref name="length"/> elements. Beaver 1991.</summary>
    ElementwiseTriple TakeElementwiseTriple(int length);

    /// <summary>Shares of A (m×k), B (k×n) and C = A·B (m×n). Mohassel–Zhang, SecureML 2017, §4.2.</summary>
    MatrixTriple TakeMatrixTriple(int m, int k, int n);

    /// <summary>
    /// Shares of an image mask A (N×C×H×W), a filter mask B ((C·KH·KW)×OC) and C = im2col(A)·B, as a
    /// <see cref="MatrixTriple"/> whose A has the images' shape (see <see cref="Protocols.Convolution"/>).
    /// </summary>
    MatrixTriple TakeConvolutionTriple(int batch, Ring.Conv2dGeometry geometry, int outChannels);

    /// <summary>
    /// Shares of an image mask A (N×C×H×W), an output-gradient mask B ((N·OH·OW)×OC) and C = im2col(A)ᵀ·B (the
    /// filter gradient's product, see <see cref="Protocols.Convolution"/>).
    /// </summary>
    MatrixTriple TakeConvolutionFilterGradientTriple(int batch, Ring.Conv2dGeometry geometry, int outChannels);

    /// <summary>
    /// An input-gradient triple of the same convolution: A masks the output gradient's pixel rows, B the OC×(C·KH·KW)
    /// filter matrix, C = col2im(A·B) (see <see cref="Protocols.Convolution.InputGradientRawAsync"/>).
    /// </summary>
    MatrixTriple TakeConvolutionInputGradientTriple(int batch, Ring.Conv2dGeometry geometry, int outChannels);

    /// <summary>Material for one-round truncation by <paramref name="fractionalBits"/> (see <see cref="Protocols.Truncation"/>).</summary>
    TruncationMaterial TakeTruncation(int length, int fractionalBits);

    /// <summary>
    /// Masks and DCF keys for the sign of <paramref name="bits"/>-bit values (Boyle et al. 2021, §4);
    /// with <paramref name="withProduct"/> also the share of sign·mask that makes ReLU one round.
    /// </summary>
    SignMaterial TakeSign(int length, int bits, bool withProduct);

    /// <summary>
    /// Material for the binary-circuit sign of <paramref name="bits"/>-bit values (<see cref="Protocols.BinaryComparison"/>):
    /// bit shares of the mask, AND triples, a bit-injection pair; with <paramref name="withProduct"/> also for ReLU.
    /// </summary>
    BitSignMaterial TakeBitSign(int length, int bits, bool withProduct);

    /// <summary>
    /// Binary ReLU material as <see cref="TakeBitSign"/> with the product, plus the triple (u, t, u·t) on its
    /// injected bit t for the backward product by the derivative (<see cref="Protocols.Comparison.MultiplyByDerivativeAsync"/>).
    /// </summary>
    BitSignMaterial TakeBitSignForBackward(int length, int bits);
}
