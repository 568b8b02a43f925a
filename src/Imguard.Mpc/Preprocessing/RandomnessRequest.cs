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

    public int Length => Kind == RandomnessKind.MatrixTriple ? checked(M * N) : M;

    public void Validate()
    {
        bool ok = Kind switch
        {
            RandomnessKind.ElementwiseTriple => M >= 0 && K == 0 && N == 0 && Parameter == 0,
            RandomnessKind.MatrixTriple => M >= 0 && K >= 0 && N >= 0 && Parameter == 0,
            RandomnessKind.Truncation => M >= 0 && K == 0 && N == 0 && Parameter is >= 1 and <= 40,
            RandomnessKind.Sign or RandomnessKind.SignWithProduct or RandomnessKind.BitSign or RandomnessKind.BitSignWithProduct
                => M >= 0 && K == 0 && N == 0 && Parameter is >= 2 and <= 64,
            _ => false,
        };
        if (!ok)
        {
            throw new ArgumentException($"Invalid randomness request {this}.");
        }
    }

    public override string ToString() => Kind switch
    {
        RandomnessKind.MatrixTriple => $"matrix triple {M}×{K}·{K}×{N}",
        RandomnessKind.ElementwiseTriple => $"element-wise triple of {M}",
        RandomnessKind.Truncation => $"truncation of {M} by {Parameter} bits",
        RandomnessKind.Sign => $"sign keys for {M} elements of {Parameter} bits",
        RandomnessKind.SignWithProduct => $"ReLU keys for {M} elements of {Parameter} bits",
        RandomnessKind.BitSign => $"binary sign material for {M} elements of {Parameter} bits",
        RandomnessKind.BitSignWithProduct => $"binary ReLU material for {M} elements of {Parameter} bits",
        _ => $"unknown randomness kind {(int)Kind}",
    };
}
