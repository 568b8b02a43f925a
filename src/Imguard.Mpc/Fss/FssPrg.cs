using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Imguard.Mpc.Randomness;

namespace Imguard.Mpc.Fss;

/// <summary>
/// The length-quadrupling PRG of the DCF tree, G(s) = (s_L‖t_L, s_R‖t_R, v_L, v_R), built from fixed-key AES in
/// Matyas–Meyer–Oseas mode: block j of G(s) = AES_K(s | j) ⊕ (s | j), j ∈ {0,1,2,3}. Seeds keep their two low bits
/// zero (126-bit seeds), so the inputs s|j never collide across seeds or j; AES_K is modelled as a random permutation
/// (as in Boyle–Gilboa–Ishai implementations and Guo et al. 2020). The key is a public constant.
/// Only the two blocks on an evaluation path are computed: the child seed (j = direction) and its value (j = 2 + direction).
/// </summary>
internal static class FssPrg
{
    public const ulong SeedMask = ~3UL;

    private static readonly Aes128 FixedKey = new(Convert.FromHexString("494d47756172642d4443462d50524721")); // "IMGuard-DCF-PRG!"

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Input(ulong seedLow, ulong seedHigh, int j) =>
        Vector128.Create((seedLow & SeedMask) | (uint)j, seedHigh).AsByte();

    /// <summary>MMO on exactly 8 prepared inputs in place, kept in registers (the evaluation's hot path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Expand8(Span<Vector128<byte>> blocks) => FixedKey.MmoInPlace8(blocks);

    /// <summary>Applies MMO to prepared inputs in place: block ← AES_K(block) ⊕ block.</summary>
    public static void Expand(Span<Vector128<byte>> blocks, Span<Vector128<byte>> scratch)
    {
        blocks.CopyTo(scratch);
        FixedKey.EncryptInPlace(blocks);
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] ^= scratch[i];
        }
    }
}
