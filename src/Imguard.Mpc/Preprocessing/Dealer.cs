using Imguard.Mpc.Fss;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// The trusted dealer (the platform's "parameter generation module"). It shares seed₀ with party 0 and seed₁ with
/// party 1, derives both parties' seed-expanded parts of item i itself, and computes the messages that make the
/// parts correlated. Seed compression: for triples and truncation only party 1 gets a message (c₁ = a·b − c₀, …);
/// for comparisons both parties get the DCF correction words, which cannot come from one seed.
/// Semi-honest and non-colluding: the dealer learns no input (it never sees a masked opening).
/// Message sizes (words): element-wise triple n → P1: n; matrix triple (m,k,n) → P1: m·n; convolution triple → P1:
/// N·OH·OW·OC; its input-gradient triple → P1: N·C·H·W (folded, not the (N·OH·OW)×(C·KH·KW) product); truncation n → P1: 2n;
/// sign n at ℓ bits → both: n·((ℓ−1)(2+p)+p), P1 also n·p (p = 1 payload word, 2 for ReLU);
/// binary sign n at ℓ bits → P1: (ℓ + ⌊(ℓ−1)/2⌋ + ANDs)·⌈n/64⌉ + p·n (ANDs = 26 at ℓ = 32; p = 1, 2 for ReLU, 3 for a
/// ReLU with its derivative triple): about 25 bytes per ReLU, against
/// about 1 KB to each party for the DCF keys.
/// </summary>
public sealed class Dealer
{
    private readonly Seed _seed0;
    private readonly Seed _seed1;

    public Dealer(Seed seed0, Seed seed1)
    {
        _seed0 = seed0;
        _seed1 = seed1;
    }

    /// <summary>A dealer with fresh random seeds; hand <see cref="SeedFor"/> of each party to that party only.</summary>
    public static Dealer CreateRandom() => new(Seed.Random(), Seed.Random());

    public Seed SeedFor(int partyId) => partyId switch
    {
        0 => _seed0,
        1 => _seed1,
        _ => throw MpcError.WrongParty(partyId),
    };

    /// <summary>The messages for item <paramref name="index"/>: what party 0 and party 1 receive (either may be empty).</summary>
    public (ulong[] ForParty0, ulong[] ForParty1) Generate(long index, RandomnessRequest request)
    {
        request.Validate();
        // Both expansions and the corrections' products are temporaries: from the scratch pool, back (wiped) at the end.
        var scratch = ScratchArrays.Shared;
        var p0 = LocalShareExpansion.Expand(0, _seed0, index, request, scratch);
        var p1 = LocalShareExpansion.Expand(1, _seed1, index, request, scratch);
        try
        {
            return request.Kind switch
            {
                RandomnessKind.ElementwiseTriple => ([], ElementwiseCorrection(p0, p1)),
                RandomnessKind.MatrixTriple => ([], MatrixCorrection(request, p0, p1, scratch)),
                RandomnessKind.ConvolutionTriple or RandomnessKind.ConvolutionFilterGradientTriple => ([], ConvolutionCorrection(request, p0, p1, scratch)),
                RandomnessKind.ConvolutionInputGradientTriple => ([], InputGradientCorrection(request, p0, p1, scratch)),
                RandomnessKind.Truncation => ([], TruncationCorrection(request, p0, p1)),
                RandomnessKind.BitSign or RandomnessKind.BitSignWithProduct or RandomnessKind.BitSignForBackward => ([], BitSignCorrection(request, p0, p1, scratch)),
                _ => SignMessages(request, p0, p1),
            };
        }
        finally
        {
            p0.ReturnTo(scratch);
            p1.ReturnTo(scratch);
        }
    }

    private static ulong[] ElementwiseCorrection(LocalShareExpansion.Parts p0, LocalShareExpansion.Parts p1)
    {
        int n = p0.A.Length;
        var a = new ulong[n];
        var b = new ulong[n];
        RingOps.Add(p0.A, p1.A, a);
        RingOps.Add(p0.B, p1.B, b);
        RingOps.Multiply(a, b, a);           // c = a ⊙ b
        RingOps.Subtract(a, p0.C, a);        // c₁ = c − c₀
        return a;
    }

    private static ulong[] MatrixCorrection(RandomnessRequest r, LocalShareExpansion.Parts p0, LocalShareExpansion.Parts p1, ScratchArrays scratch)
    {
        var a = p0.A;                            // A = A₀ + A₁ and B = B₀ + B₁ over the expansions: temporaries too
        var b = p0.B;
        RingOps.Add(p0.A, p1.A, a);
        RingOps.Add(p0.B, p1.B, b);
        var c = new ulong[checked(r.M * r.N)];
        RingOps.MatMul(a, b, c, r.M, r.K, r.N);  // C = A·B
        RingOps.Subtract(c, p0.C, c);            // C₁ = C − C₀
        return c;
    }

    private static ulong[] ConvolutionCorrection(RandomnessRequest r, LocalShareExpansion.Parts p0, LocalShareExpansion.Parts p1, ScratchArrays scratch)
    {
        var (batch, geometry, outChannels) = r.ConvolutionShape;
        var a = p0.A;
        var b = p0.B;
        RingOps.Add(p0.A, p1.A, a);
        RingOps.Add(p0.B, p1.B, b);
        int rows = batch * geometry.OutputPixels;
        var c = new ulong[r.Length];
        if (r.Kind == RandomnessKind.ConvolutionTriple)
        {
            var columns = scratch.Rent(checked(rows * geometry.PatchSize));
            RingOps.Im2Col(a, batch, geometry, columns);
            RingOps.MatMul(columns, b, c, rows, geometry.PatchSize, outChannels);       // C = im2col(A)·B
            scratch.Return(columns);
        }
        else
        {
            var columnsT = scratch.Rent(checked(rows * geometry.PatchSize));
            RingOps.Im2ColTransposed(a, batch, geometry, columnsT);
            RingOps.MatMul(columnsT, b, c, geometry.PatchSize, rows, outChannels);      // C = im2col(A)ᵀ·B
            scratch.Return(columnsT);
        }
        RingOps.Subtract(c, p0.C, c);                                                   // C₁ = C − C₀
        return c;
    }

    private static ulong[] InputGradientCorrection(RandomnessRequest r, LocalShareExpansion.Parts p0, LocalShareExpansion.Parts p1, ScratchArrays scratch)
    {
        var (batch, geometry, outChannels) = r.ConvolutionShape;
        int rows = batch * geometry.OutputPixels, patch = geometry.PatchSize;
        var a = p0.A;
        var b = p0.B;
        RingOps.Add(p0.A, p1.A, a);
        RingOps.Add(p0.B, p1.B, b);
        var product = scratch.Rent(checked(rows * patch));
        RingOps.MatMul(a, b, product, rows, outChannels, patch);                        // A·B, (N·OH·OW)×(C·KH·KW)
        var c = new ulong[r.Length];
        RingOps.Col2Im(product, batch, geometry, c);                                    // C = col2im(A·B)
        scratch.Return(product);
        RingOps.Subtract(c, p0.C, c);                                                   // C₁ = C − C₀
        return c;
    }

    private static ulong[] TruncationCorrection(RandomnessRequest r, LocalShareExpansion.Parts p0, LocalShareExpansion.Parts p1)
    {
        int n = r.M, f = r.Parameter;
        var message = new ulong[2 * n];
        for (int i = 0; i < n; i++)
        {
            ulong mask = unchecked(p0.Mask[i] + p1.Mask[i]);
            ulong high = mask >> f;                         // ⌊r / 2^f⌋
            ulong wrap = (mask >> 63) << (64 - f);          // e·2^(64−f), e = 1{r ≥ 2^63}
            message[i] = unchecked(high - p0.Second[i]);
            message[n + i] = unchecked(wrap - p0.Third[i]);
        }
        return message;
    }

    /// <summary>
    /// About how many words <see cref="Generate"/> holds at once for one item (both parties' expansions, the result, an
    /// unfolding): what a service dealer checks before it generates an item a party asked for, so one absurd request
    /// cannot exhaust its memory. An upper estimate, not an exact count.
    /// </summary>
    public static long WorkWords(RandomnessRequest r)
    {
        // In doubles: M·K·N-sized products of a hostile request overflow a long; the result saturates instead.
        double n = r.M, words;
        switch (r.Kind)
        {
            case RandomnessKind.ElementwiseTriple:
            case RandomnessKind.Truncation:
                words = 8 * n;
                break;
            case RandomnessKind.MatrixTriple:
                words = 3 * ((double)r.M * r.K + (double)r.K * r.N + (double)r.M * r.N);
                break;
            case RandomnessKind.ConvolutionInputGradientTriple:
            {
                var (batch, geometry, outChannels) = r.ConvolutionShape;
                double rows = (double)batch * geometry.OutputPixels;
                words = 3 * (rows * outChannels + (double)outChannels * geometry.PatchSize + (double)batch * geometry.ImageSize) + 2 * rows * geometry.PatchSize;
                break;
            }
            case RandomnessKind.ConvolutionTriple:
            case RandomnessKind.ConvolutionFilterGradientTriple:
            {
                var (batch, geometry, outChannels) = r.ConvolutionShape;
                double rows = (double)batch * geometry.OutputPixels;
                double filters = r.Kind == RandomnessKind.ConvolutionTriple ? (double)geometry.PatchSize * outChannels : rows * outChannels;
                words = 3 * ((double)batch * geometry.ImageSize + filters + rows * outChannels) + 2 * rows * geometry.PatchSize;
                break;
            }
            case RandomnessKind.BitSign:
            case RandomnessKind.BitSignWithProduct:
            case RandomnessKind.BitSignForBackward:
                words = 8 * n + 4 * (double)r.Parameter * (n / 64 + 1) * 4;
                break;
            default:
                words = n * (2.0 * 4 * r.Parameter + 8);   // DCF: (ℓ−1)(2+p)+p correction words per element, both parties
                break;
        }
        return words >= long.MaxValue ? long.MaxValue : (long)words;
    }

    /// <summary>
    /// The exact length in words of the message <paramref name="partyId"/> receives for item <paramref name="r"/> (see
    /// the sizes above): what a party checks a message against, and what bounds the words a dealer stream may announce.
    /// </summary>
    public static long MessageWords(RandomnessRequest r, int partyId)
    {
        if (partyId is not (0 or 1))
        {
            throw MpcError.WrongParty(partyId);
        }
        bool party1 = partyId == 1;
        switch (r.Kind)
        {
            case RandomnessKind.ElementwiseTriple:
            case RandomnessKind.MatrixTriple:
            case RandomnessKind.ConvolutionTriple:
            case RandomnessKind.ConvolutionFilterGradientTriple:
            case RandomnessKind.ConvolutionInputGradientTriple:
                return party1 ? r.Length : 0;
            case RandomnessKind.Truncation:
                return party1 ? 2L * r.M : 0;
            case RandomnessKind.BitSign:
            case RandomnessKind.BitSignWithProduct:
            case RandomnessKind.BitSignForBackward:
                return party1 ? BitSignLayout(r).Party1Words : 0;
            default:
            {
                int payload = r.Kind == RandomnessKind.SignWithProduct ? 2 : 1;
                return (long)r.M * Dcf.CorrectionWords(r.Parameter - 1, payload) + (party1 ? (long)r.M * payload : 0);
            }
        }
    }

    /// <summary>Sizes of the binary sign material's message to party 1 (see <see cref="BitSignCorrection"/>).</summary>
    public static (int BitWords, int PairWords, int AndWords, int Party1Words) BitSignLayout(RandomnessRequest r)
    {
        int words = BitPlanes.Words(r.M), m = r.Parameter - 1;
        var (_, ands, _) = Protocols.CarryTree.Size(Protocols.CarryTree.TreeLeaves(m));
        int bitWords = checked(r.Parameter * words), pairWords = checked(Protocols.CarryTree.LocalPairs(m) * words), andWords = checked(ands * words);
        int payload = r.Kind switch
        {
            RandomnessKind.BitSignWithProduct => 2,
            RandomnessKind.BitSignForBackward => 3,
            _ => 1,
        };
        return (bitWords, pairWords, andWords, checked(bitWords + pairWords + andWords + payload * r.M));
    }

    /// <summary>
    /// Party 1's message for binary sign material: its XOR shares of r's low ℓ bit planes (bits ⊕ party 0's shares),
    /// of the adjacent-bit products π_k = ρ_{2k+1}∧ρ_{2k} (the tree's local first level), the AND products c₁ = (a₀⊕a₁)∧(b₀⊕b₁) ⊕ c₀, and its additive shares of t = t₀ ⊕ t₁, (ReLU) of t·r and
    /// (for backward) of u·t, u = u₀ + u₁.
    /// </summary>
    private static ulong[] BitSignCorrection(RandomnessRequest r, LocalShareExpansion.Parts p0, LocalShareExpansion.Parts p1, ScratchArrays scratch)
    {
        int n = r.M, words = BitPlanes.Words(n);
        var (bitWords, pairWords, andWords, total) = BitSignLayout(r);
        var message = new ulong[total];
        var mask = p1.Mask;                     // r = r₀ + r₁, over party 1's expansion (a temporary)
        RingOps.Add(p0.Mask, p1.Mask, mask);
        var bits = message.AsSpan(0, bitWords);
        BitPlanes.Pack(mask, 0, r.Parameter, bits);
        var pairs = message.AsSpan(bitWords, pairWords);
        for (int i = 0; i < pairWords; i++)
        {
            int k = i / words, w = i % words;
            pairs[i] = (bits[(2 * k + 1) * words + w] & bits[2 * k * words + w]) ^ p0.PairProducts[i];   // π₁ = ρ_hi∧ρ_lo ⊕ π₀
        }
        for (int i = 0; i < bitWords; i++)
        {
            bits[i] ^= p0.Bits[i];
        }
        var products = message.AsSpan(bitWords + pairWords, andWords);
        var combinationOf = Protocols.CarryTree.AndCombinations(Protocols.CarryTree.TreeLeaves(r.Parameter - 1));
        for (int and = 0; and < combinationOf.Length; and++)
        {
            int left = combinationOf[and] * words, right = and * words;
            for (int w = 0; w < words; w++)
            {
                ulong a = p0.A[left + w] ^ p1.A[left + w];
                ulong b = p0.B[right + w] ^ p1.B[right + w];
                products[right + w] = (a & b) ^ p0.C[right + w];
            }
        }
        int payloadAt = bitWords + pairWords + andWords;
        var value = message.AsSpan(payloadAt, n);
        bool withProduct = r.Kind != RandomnessKind.BitSign, forBackward = r.Kind == RandomnessKind.BitSignForBackward;
        var timesMask = withProduct ? message.AsSpan(payloadAt + n, n) : [];
        var timesDerivativeMask = forBackward ? message.AsSpan(payloadAt + 2 * n, n) : [];
        for (int i = 0; i < n; i++)
        {
            ulong t = ((p0.InjectBit[i >> 6] ^ p1.InjectBit[i >> 6]) >> (i & 63)) & 1;
            value[i] = unchecked(t - p0.Second[i]);
            if (withProduct)
            {
                timesMask[i] = unchecked(t * mask[i] - p0.Third[i]);
            }
            if (forBackward)
            {
                timesDerivativeMask[i] = unchecked(t * (p0.DerivativeMask[i] + p1.DerivativeMask[i]) - p0.DerivativeProduct[i]);
            }
        }
        return message;
    }

    private static (ulong[], ulong[]) SignMessages(RandomnessRequest r, LocalShareExpansion.Parts p0, LocalShareExpansion.Parts p1)
    {
        int n = r.M, bits = r.Parameter;
        bool withProduct = r.Kind == RandomnessKind.SignWithProduct;
        int payload = withProduct ? 2 : 1;
        int domain = bits - 1;
        ulong lowMask = domain == 64 ? ulong.MaxValue : (1UL << domain) - 1;
        var alphas = new ulong[n];
        var betas = new ulong[n * payload];
        int cwWords = Dcf.CorrectionWords(domain, payload);
        var forParty0 = new ulong[n * cwWords];
        var forParty1 = new ulong[n * cwWords + n * payload];
        var p1Tail = forParty1.AsSpan(n * cwWords);
        for (int i = 0; i < n; i++)
        {
            ulong mask = unchecked(p0.Mask[i] + p1.Mask[i]);
            ulong topBit = (mask >> domain) & 1;             // b = bit ℓ−1 of r
            alphas[i] = mask & lowMask;                      // α = r mod 2^(ℓ−1)
            ulong flip = unchecked(1 - 2 * topBit);          // 1 − 2b: d = b + (1−2b)·1{x̂' < α} is b ⊕ carry
            betas[i * payload] = flip;
            p1Tail[i] = unchecked(topBit - p0.Second[i]);
            if (withProduct)
            {
                betas[i * payload + 1] = unchecked(flip * mask);          // so the DCF also yields (1−2b)·r·carry
                p1Tail[n + i] = unchecked(topBit * mask - p0.Third[i]);   // (b·r)₁
            }
        }
        Dcf.Generate(domain, payload, alphas, betas, p0.Roots, p1.Roots, forParty0);
        forParty0.CopyTo(forParty1, 0);
        return (forParty0, forParty1);
    }
}
