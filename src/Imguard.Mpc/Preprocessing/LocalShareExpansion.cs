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
    }

    public static Parts Expand(int partyId, Seed seed, long index, RandomnessRequest request)
    {
        using var prg = new AesCtrPrg(seed, stream: (ulong)index);
        var parts = new Parts();
        bool party0 = partyId == 0;
        switch (request.Kind)
        {
            case RandomnessKind.ElementwiseTriple:
                parts.A = prg.NextArray(request.M);
                parts.B = prg.NextArray(request.M);
                if (party0)
                {
                    parts.C = prg.NextArray(request.M);
                }
                break;
            case RandomnessKind.MatrixTriple:
                parts.A = prg.NextArray(checked(request.M * request.K));
                parts.B = prg.NextArray(checked(request.K * request.N));
                if (party0)
                {
                    parts.C = prg.NextArray(checked(request.M * request.N));
                }
                break;
            case RandomnessKind.ConvolutionInputGradientTriple:
            {
                var (batch, geometry, outChannels) = request.ConvolutionShape;
                parts.A = prg.NextArray(checked(batch * geometry.OutputPixels * outChannels));   // the output gradient's pixel rows
                parts.B = prg.NextArray(checked(outChannels * geometry.PatchSize));              // the filter matrix, OC×(C·KH·KW)
                if (party0)
                {
                    parts.C = prg.NextArray(request.Length);
                }
                break;
            }
            case RandomnessKind.ConvolutionTriple:
            case RandomnessKind.ConvolutionFilterGradientTriple:
            {
                var (batch, geometry, outChannels) = request.ConvolutionShape;
                parts.A = prg.NextArray(checked(batch * geometry.ImageSize));
                parts.B = prg.NextArray(request.Kind == RandomnessKind.ConvolutionTriple
                    ? checked(geometry.PatchSize * outChannels)               // the filter matrix
                    : checked(batch * geometry.OutputPixels * outChannels));  // the output gradient's pixel rows
                if (party0)
                {
                    parts.C = prg.NextArray(request.Length);
                }
                break;
            }
            case RandomnessKind.Truncation:
                parts.Mask = prg.NextArray(request.M);
                if (party0)
                {
                    parts.Second = prg.NextArray(request.M);
                    parts.Third = prg.NextArray(request.M);
                }
                break;
            case RandomnessKind.Sign:
            case RandomnessKind.SignWithProduct:
                parts.Mask = prg.NextArray(request.M);
                parts.Roots = prg.NextArray(checked(2 * request.M));
                if (party0)
                {
                    parts.Second = prg.NextArray(request.M);
                    if (request.Kind == RandomnessKind.SignWithProduct)
                    {
                        parts.Third = prg.NextArray(request.M);
                    }
                }
                break;
            case RandomnessKind.BitSign:
            case RandomnessKind.BitSignWithProduct:
            case RandomnessKind.BitSignForBackward:
            {
                int n = request.M, words = Ring.BitPlanes.Words(n), bits = request.Parameter;
                var (combinations, ands, _) = Protocols.CarryTree.Size(Protocols.CarryTree.TreeLeaves(bits - 1));
                parts.Mask = prg.NextArray(n);
                parts.A = prg.NextArray(checked(combinations * words));
                parts.B = prg.NextArray(checked(ands * words));
                parts.InjectBit = prg.NextArray(words);
                if (party0)
                {
                    parts.Bits = prg.NextArray(checked(bits * words));
                    parts.C = prg.NextArray(checked(ands * words));
                    parts.PairProducts = prg.NextArray(checked(Protocols.CarryTree.LocalPairs(bits - 1) * words));
                    parts.Second = prg.NextArray(n);
                    if (request.Kind != RandomnessKind.BitSign)
                    {
                        parts.Third = prg.NextArray(n);
                    }
                }
                if (request.Kind == RandomnessKind.BitSignForBackward)
                {
                    parts.DerivativeMask = prg.NextArray(n);
                    if (party0)
                    {
                        parts.DerivativeProduct = prg.NextArray(n);
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
