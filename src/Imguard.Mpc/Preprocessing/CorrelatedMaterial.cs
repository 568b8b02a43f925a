namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// Base of all correlated-randomness items: owned by one party, usable once. <see cref="Consume"/> is called by the
/// protocol that uses the item; a second call throws, so a triple can never be reused by mistake.
/// </summary>
public abstract class CorrelatedMaterial
{
    private int _consumed;

    protected CorrelatedMaterial(int partyId, RandomnessRequest request)
    {
        PartyId = partyId;
        Request = request;
    }

    public int PartyId { get; }

    public RandomnessRequest Request { get; }

    public bool IsConsumed => Volatile.Read(ref _consumed) != 0;

    /// <summary>Marks the item used; throws if it already was, or if <paramref name="partyId"/> is not its owner.</summary>
    public void Consume(int partyId)
    {
        if (partyId != PartyId)
        {
            throw MpcError.PartyMismatch(Request.ToString(), partyId, PartyId);
        }
        if (Interlocked.Exchange(ref _consumed, 1) != 0)
        {
            throw MpcError.MaterialAlreadyUsed(Request.ToString());
        }
    }
}

/// <summary>This party's shares of an element-wise Beaver triple.</summary>
public sealed class ElementwiseTriple(int partyId, RandomnessRequest request, ulong[] a, ulong[] b, ulong[] c)
    : CorrelatedMaterial(partyId, request)
{
    public ulong[] A { get; } = a;
    public ulong[] B { get; } = b;
    public ulong[] C { get; } = c;
}

/// <summary>This party's shares of a matrix Beaver triple: A (m×k), B (k×n), C = A·B (m×n), row-major.</summary>
public sealed class MatrixTriple(int partyId, RandomnessRequest request, ulong[] a, ulong[] b, ulong[] c)
    : CorrelatedMaterial(partyId, request)
{
    public ulong[] A { get; } = a;
    public ulong[] B { get; } = b;
    public ulong[] C { get; } = c;
}

/// <summary>
/// This party's shares of a uniform mask r, of ⌊r / 2^f⌋, and of e·2^(64−f) with e = 1{r ≥ 2^63}
/// (see <see cref="Protocols.Truncation"/> for why that is all one round needs).
/// </summary>
public sealed class TruncationMaterial(int partyId, RandomnessRequest request, ulong[] mask, ReadOnlyMemory<ulong> maskHigh, ReadOnlyMemory<ulong> wrapCorrection)
    : CorrelatedMaterial(partyId, request)
{
    public ulong[] Mask { get; } = mask;

    /// <summary>Read only; for party 1 the first half of the dealer's message, not a copy of it.</summary>
    public ReadOnlyMemory<ulong> MaskHigh { get; } = maskHigh;

    /// <summary>Read only; for party 1 the second half of the dealer's message.</summary>
    public ReadOnlyMemory<ulong> WrapCorrection { get; } = wrapCorrection;
}

/// <summary>
/// This party's part of the sign (DReLU) material for ℓ-bit values: its share of the mask r, its DCF root seeds, the
/// DCF correction words (the same for both parties), its share of b = bit ℓ−1 of r, and (for ReLU) of b·r.
/// </summary>
public sealed class SignMaterial(
    int partyId, RandomnessRequest request, ulong[] mask, ulong[] dcfRoots, ulong[] dcfCorrections,
    ulong[] maskTopBit, ulong[]? maskTopBitTimesMask)
    : CorrelatedMaterial(partyId, request)
{
    public int Bits => Request.Parameter;
    public bool WithProduct => Request.Kind == RandomnessKind.SignWithProduct;
    public int PayloadWords => WithProduct ? 2 : 1;
    public ulong[] Mask { get; } = mask;
    public ulong[] DcfRoots { get; } = dcfRoots;
    public ulong[] DcfCorrections { get; } = dcfCorrections;
    public ulong[] MaskTopBit { get; } = maskTopBit;
    public ulong[]? MaskTopBitTimesMask { get; } = maskTopBitTimesMask;
}

/// <summary>
/// This party's part of the binary-circuit sign material for ℓ-bit values (see <see cref="Protocols.BinaryComparison"/>),
/// all bit-sliced (<see cref="Ring.BitPlanes"/>, W = ⌈n/64⌉ words per plane) except the arithmetic words:
/// its share of the mask r (n words); XOR shares of bits 0 … ℓ−1 of r (ℓ planes: ρ = r mod 2^(ℓ−1), then b = bit ℓ−1);
/// XOR shares of the products of adjacent mask bits ρ_{2k+1}∧ρ_{2k} (⌊(ℓ−1)/2⌋ planes: the tree's first level, local);
/// the AND triples of the carry tree above it (one shared left operand per combination, one right operand and product per AND);
/// a random bit t as an XOR share (1 plane) and as an additive share (n words); for ReLU, the additive share of t·r;
/// for a ReLU with backward (<see cref="RandomnessKind.BitSignForBackward"/>), the shares of a mask u and of u·t.
/// </summary>
public sealed class BitSignMaterial(
    int partyId, RandomnessRequest request, ulong[] mask, ulong[] maskBits, ulong[] tripleLeft, ulong[] tripleRight,
    ulong[] tripleProduct, ulong[] injectBit, ulong[] injectValue, ulong[]? injectTimesMask, ulong[] pairProducts,
    ulong[]? derivativeMask = null, ulong[]? derivativeMaskTimesInject = null)
    : CorrelatedMaterial(partyId, request)
{
    public int Bits => Request.Parameter;
    public bool WithProduct => Request.Kind != RandomnessKind.BitSign;
    public bool ForBackward => Request.Kind == RandomnessKind.BitSignForBackward;
    public ulong[]? DerivativeMask { get; } = derivativeMask;
    public ulong[]? DerivativeMaskTimesInject { get; } = derivativeMaskTimesInject;
    public ulong[] Mask { get; } = mask;
    public ulong[] MaskBits { get; } = maskBits;
    public ulong[] PairProducts { get; } = pairProducts;
    public ulong[] TripleLeft { get; } = tripleLeft;
    public ulong[] TripleRight { get; } = tripleRight;
    public ulong[] TripleProduct { get; } = tripleProduct;
    public ulong[] InjectBit { get; } = injectBit;
    public ulong[] InjectValue { get; } = injectValue;
    public ulong[]? InjectTimesMask { get; } = injectTimesMask;
}
