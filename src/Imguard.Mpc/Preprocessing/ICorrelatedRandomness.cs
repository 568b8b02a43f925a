namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// Where a party's correlated randomness comes from: one method per kind (as SPU's Beaver interface). The online
/// protocols depend only on this; today <see cref="DealerRandomness"/> (a trusted dealer with seed compression)
/// implements it, a dealerless source (the parties generating triples by correlated OT) can replace it later.
/// Every item is returned once and is single-use: taking the next item advances the source, and a material object
/// refuses a second use. Taking is asynchronous (an item may have to come from the dealer over the network), and the
/// caller awaits each take before the next: the source hands out items in the order they are taken.
/// </summary>
public interface ICorrelatedRandomness
{
    /// <summary>The party (0 or 1) this source serves.</summary>
    int PartyId { get; }

    /// <summary>Shares of a, b and c = a ⊙ b, each of <paramref name="length"/> elements. Beaver 1991.</summary>
    ValueTask<ElementwiseTriple> TakeElementwiseTripleAsync(int length, CancellationToken cancellationToken = default);

    /// <summary>Shares of A (m×k), B (k×n) and C = A·B (m×n). Mohassel–Zhang, SecureML 2017, §4.2.</summary>
    ValueTask<MatrixTriple> TakeMatrixTripleAsync(int m, int k, int n, CancellationToken cancellationToken = default);

    /// <summary>
    /// Shares of an image mask A (N×C×H×W), a filter mask B ((C·KH·KW)×OC) and C = im2col(A)·B, as a
    /// <see cref="MatrixTriple"/> whose A has the images' shape (see <see cref="Protocols.Convolution"/>).
    /// </summary>
    ValueTask<MatrixTriple> TakeConvolutionTripleAsync(int batch, Ring.Conv2dGeometry geometry, int outChannels, CancellationToken cancellationToken = default);

    /// <summary>
    /// Shares of an image mask A (N×C×H×W), an output-gradient mask B ((N·OH·OW)×OC) and C = im2col(A)ᵀ·B (the
    /// filter gradient's product, see <see cref="Protocols.Convolution"/>).
    /// </summary>
    ValueTask<MatrixTriple> TakeConvolutionFilterGradientTripleAsync(int batch, Ring.Conv2dGeometry geometry, int outChannels, CancellationToken cancellationToken = default);

    /// <summary>
    /// An input-gradient triple of the same convolution: A masks the output gradient's pixel rows, B the OC×(C·KH·KW)
    /// filter matrix, C = col2im(A·B) (see <see cref="Protocols.Convolution.InputGradientRawAsync"/>).
    /// </summary>
    ValueTask<MatrixTriple> TakeConvolutionInputGradientTripleAsync(int batch, Ring.Conv2dGeometry geometry, int outChannels, CancellationToken cancellationToken = default);

    /// <summary>Material for one-round truncation by <paramref name="fractionalBits"/> (see <see cref="Protocols.Truncation"/>).</summary>
    ValueTask<TruncationMaterial> TakeTruncationAsync(int length, int fractionalBits, CancellationToken cancellationToken = default);

    /// <summary>
    /// Masks and DCF keys for the sign of <paramref name="bits"/>-bit values (Boyle et al. 2021, §4);
    /// with <paramref name="withProduct"/> also the share of sign·mask that makes ReLU one round.
    /// </summary>
    ValueTask<SignMaterial> TakeSignAsync(int length, int bits, bool withProduct, CancellationToken cancellationToken = default);

    /// <summary>
    /// Material for the binary-circuit sign of <paramref name="bits"/>-bit values (<see cref="Protocols.BinaryComparison"/>):
    /// bit shares of the mask, AND triples, a bit-injection pair; with <paramref name="withProduct"/> also for ReLU.
    /// </summary>
    ValueTask<BitSignMaterial> TakeBitSignAsync(int length, int bits, bool withProduct, CancellationToken cancellationToken = default);

    /// <summary>
    /// Binary ReLU material as <see cref="TakeBitSignAsync"/> with the product, plus the triple (u, t, u·t) on its
    /// injected bit t for the backward product by the derivative (<see cref="Protocols.Comparison.MultiplyByDerivativeAsync"/>).
    /// </summary>
    ValueTask<BitSignMaterial> TakeBitSignForBackwardAsync(int length, int bits, CancellationToken cancellationToken = default);
}
