using Imguard.Mpc.Randomness;

namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// The part of item i that a party derives from its own seed (shared with the dealer) without any message: the
/// dealer runs the same expansion for both seeds, so the draw order here is the contract between them.
/// Party 0 derives everything it needs for triples and truncation; party 1 derives its masks, and gets the
/// values that depend on both parties' parts (c₁, ⌊r/2^f⌋₁, …) from the dealer.
/// </summary>
internal static class LocalShareExpansion
{
    public sealed class Parts
    {
        public ulong[] A = [];
        public ulong[] B = [];
        public ulong[] C = [];      // party 0 only
        public ulong[] Mask = [];
        public ulong[] Roots = [];
        public ulong[] Second = []; // party 0 only: ⌊r/2^f⌋₀, b₀ or t₀ (additive)
        public ulong[] Third = [];  // party 0 only: wrap correction₀, (b·r)₀ or (t·r)₀
        public ulong[] Bits = [];   // party 0 only: XOR shares of the mask's bit planes
        public ulong[] PairProducts = []; // party 0 only: XOR shares of adjacent mask-bit products (the carry tree's first level)
        public ulong[] InjectBit = [];
        public ulong[] DerivativeMask = [];    // u of the backward triple (u, t, u·t)
        public ulong[] DerivativeProduct = []; // party 0 only: (u·t)₀

        /// <summary>Hands every array back to <paramref name="scratch"/> (the dealer's temporaries; wiped there).</summary>
        public void ReturnTo(ScratchArrays scratch)
        {
            foreach (var array in new[] { A, B, C, Mask, Roots, Second, Third, Bits, PairProducts, InjectBit, DerivativeMask, DerivativeProduct })
            {
                scratch.Return(array);
            }
        }
    }

    /// <param name="scratch">The dealer's pool for its temporaries; null (the parties): fresh arrays, kept as material.</param>
    public static Parts Expand(int partyId, Seed seed, long index, RandomnessRequest request, ScratchArrays? scratch = null)
    {
        using var prg = new AesCtrPrg(seed, stream: (ulong)index);
        ulong[] Next(int length)
        {
            if (scratch is null)
            {
                return prg.NextArray(length);
            }
            var array = scratch.Rent(length);
            prg.Fill(array);
            return array;
        }
        var parts = new Parts();
        bool party0 = partyId == 0;
        switch (request.Kind)
        {
            case RandomnessKind.ElementwiseTriple:
                parts.A = Next(request.M);
                parts.B = Next(request.M);
                if (party0)
                {
                    parts.C = Next(request.M);
                }
                break;
            case RandomnessKind.MatrixTriple:
                parts.A = Next(checked(request.M * request.K));
                parts.B = Next(checked(request.K * request.N));
                if (party0)
                {
                    parts.C = Next(checked(request.M * request.N));
                }
                break;
            case RandomnessKind.ConvolutionInputGradientTriple:
            {
                var (batch, geometry, outChannels) = request.ConvolutionShape;
                parts.A = Next(checked(batch * geometry.OutputPixels * outChannels));   // the output gradient's pixel rows
                parts.B = Next(checked(outChannels * geometry.PatchSize));              // the filter matrix, OC×(C·KH·KW)
                if (party0)
                {
                    parts.C = Next(request.Length);
                }
                break;
            }
            case RandomnessKind.ConvolutionTriple:
            case RandomnessKind.ConvolutionFilterGradientTriple:
            {
                var (batch, geometry, outChannels) = request.ConvolutionShape;
                parts.A = Next(checked(batch * geometry.ImageSize));
                parts.B = Next(request.Kind == RandomnessKind.ConvolutionTriple
                    ? checked(geometry.PatchSize * outChannels)               // the filter matrix
                    : checked(batch * geometry.OutputPixels * outChannels));  // the output gradient's pixel rows
                if (party0)
                {
                    parts.C = Next(request.Length);
                }
                break;
            }
            case RandomnessKind.Truncation:
                parts.Mask = Next(request.M);
                if (party0)
                {
                    parts.Second = Next(request.M);
                    parts.Third = Next(request.M);
                }
                break;
            case RandomnessKind.Sign:
            case RandomnessKind.SignWithProduct:
                parts.Mask = Next(request.M);
                parts.Roots = Next(checked(2 * request.M));
                if (party0)
                {
                    parts.Second = Next(request.M);
                    if (request.Kind == RandomnessKind.SignWithProduct)
                    {
                        parts.Third = Next(request.M);
                    }
                }
                break;
            case RandomnessKind.BitSign:
            case RandomnessKind.BitSignWithProduct:
            case RandomnessKind.BitSignForBackward:
            {
                int n = request.M, words = Ring.BitPlanes.Words(n), bits = request.Parameter;
                var (combinations, ands, _) = Protocols.CarryTree.Size(Protocols.CarryTree.TreeLeaves(bits - 1));
                parts.Mask = Next(n);
                parts.A = Next(checked(combinations * words));
                parts.B = Next(checked(ands * words));
                parts.InjectBit = Next(words);
                if (party0)
                {
                    parts.Bits = Next(checked(bits * words));
                    parts.C = Next(checked(ands * words));
                    parts.PairProducts = Next(checked(Protocols.CarryTree.LocalPairs(bits - 1) * words));
                    parts.Second = Next(n);
                    if (request.Kind != RandomnessKind.BitSign)
                    {
                        parts.Third = Next(n);
                    }
                }
                if (request.Kind == RandomnessKind.BitSignForBackward)
                {
                    parts.DerivativeMask = Next(n);
                    if (party0)
                    {
                        parts.DerivativeProduct = Next(n);
                    }
                }
                break;
            }
            default:
                throw new ArgumentException($"Unknown randomness kind {(int)request.Kind}.");
        }
        return parts;
    }
}
