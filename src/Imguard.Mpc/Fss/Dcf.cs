using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Imguard.Mpc.Fss;

/// <summary>
/// Distributed comparison function (DCF) for f_{α,β}(u) = β if u &lt; α else 0, over an n-bit input domain and a
/// payload of m ∈ {1, 2} ring words: Boyle, Chandran, Gilboa, Gupta, Ishai, Kumar, Rathee, "Function Secret
/// Sharing for Mixed-Mode and Fixed-Point Secure Computation", Eurocrypt 2021, Fig. 1 (DCF Gen/Eval).
/// Each party gets a root seed (its own) and the correction words (the same for both); evaluating both keys on the
/// same public u gives additive shares of f(u) in Z_2^64.
/// Cost: key = 16 B root + n·(16 + 8m) B + 8m B of corrections (two t-bits packed in the seed correction's low
/// bits); Eval = 2n + 1 fixed-key AES blocks; Gen = 8n + 2 AES blocks.
/// Correction layout per key, for level i: [sCW.lo | tCW_L | tCW_R≪1, sCW.hi, VCW[0..m)], then the final CW[0..m).
/// </summary>
internal static class Dcf
{
    public const int MaxPayloadWords = 2;

    public static int CorrectionWords(int domainBits, int payloadWords) => domainBits * (2 + payloadWords) + payloadWords;

    /// <summary>
    /// Dealer side: correction words for <c>alphas.Length</c> keys. Roots are two words per key, their low two bits are
    /// ignored (the seeds are 126-bit). <paramref name="betas"/> holds m words per key.
    /// </summary>
    public static void Generate(
        int domainBits, int payloadWords,
        ReadOnlySpan<ulong> alphas, ReadOnlySpan<ulong> betas,
        ReadOnlySpan<ulong> roots0, ReadOnlySpan<ulong> roots1,
        Span<ulong> corrections)
    {
        Validate(domainBits, payloadWords);
        int count = alphas.Length;
        int stride = CorrectionWords(domainBits, payloadWords);
        if (betas.Length != count * payloadWords || roots0.Length != 2 * count || roots1.Length != 2 * count
            || corrections.Length != count * stride)
        {
            throw MpcError.LengthMismatch("DCF key generation", count, alphas.Length);
        }

        Span<Vector128<byte>> blocks = stackalloc Vector128<byte>[8];
        Span<Vector128<byte>> scratch = stackalloc Vector128<byte>[8];
        Span<ulong> vAlpha = stackalloc ulong[MaxPayloadWords];
        for (int e = 0; e < count; e++)
        {
            ulong s0Lo = roots0[2 * e] & FssPrg.SeedMask, s0Hi = roots0[2 * e + 1];
            ulong s1Lo = roots1[2 * e] & FssPrg.SeedMask, s1Hi = roots1[2 * e + 1];
            ulong t0 = 0, t1 = 1;
            vAlpha.Clear();
            ulong alpha = alphas[e];
            var beta = betas.Slice(e * payloadWords, payloadWords);
            var cw = corrections.Slice(e * stride, stride);

            for (int i = 0; i < domainBits; i++)
            {
                ulong a = (alpha >> (domainBits - 1 - i)) & 1;
                for (int j = 0; j < 4; j++)
                {
                    blocks[j] = FssPrg.Input(s0Lo, s0Hi, j);
                    blocks[4 + j] = FssPrg.Input(s1Lo, s1Hi, j);
                }
                FssPrg.Expand8(blocks);
                var w = MemoryMarshal.Cast<Vector128<byte>, ulong>(blocks);
                // Party b's block j sits at words 8b + 2j (low) and 8b + 2j + 1 (high).
                int keep = (int)a, lose = 1 - keep;
                ulong sCwLo = (w[2 * lose] ^ w[8 + 2 * lose]) & FssPrg.SeedMask;
                ulong sCwHi = w[2 * lose + 1] ^ w[8 + 2 * lose + 1];
                ulong sign = t1 == 0 ? 1UL : ulong.MaxValue; // (-1)^{t₁}
                var level = cw.Slice(i * (2 + payloadWords), 2 + payloadWords);
                for (int c = 0; c < payloadWords; c++)
                {
                    ulong vLose0 = w[2 * (2 + lose) + c], vLose1 = w[8 + 2 * (2 + lose) + c];
                    ulong vKeep0 = w[2 * (2 + keep) + c], vKeep1 = w[8 + 2 * (2 + keep) + c];
                    // V_CW = (-1)^{t₁}·(v₁^Lose − v₀^Lose − V_α) [+ (-1)^{t₁}·β when the lost branch is L, i.e. u < α there]
                    ulong vcw = unchecked(sign * (vLose1 - vLose0 - vAlpha[c]));
                    if (a == 1)
                    {
                        vcw = unchecked(vcw + sign * beta[c]);
                    }
                    // V_α ← V_α − v₁^Keep + v₀^Keep + (-1)^{t₁}·V_CW
                    vAlpha[c] = unchecked(vAlpha[c] - vKeep1 + vKeep0 + sign * vcw);
                    level[2 + c] = vcw;
                }
                ulong tL0 = w[0] & 1, tR0 = w[2] & 1, tL1 = w[8] & 1, tR1 = w[10] & 1;
                ulong tCwL = tL0 ^ tL1 ^ a ^ 1;
                ulong tCwR = tR0 ^ tR1 ^ a;
                level[0] = sCwLo | tCwL | (tCwR << 1);
                level[1] = sCwHi;
                ulong tCwKeep = keep == 0 ? tCwL : tCwR;

                ulong k0Lo = w[2 * keep] & FssPrg.SeedMask, k0Hi = w[2 * keep + 1], tk0 = w[2 * keep] & 1;
                ulong k1Lo = w[8 + 2 * keep] & FssPrg.SeedMask, k1Hi = w[8 + 2 * keep + 1], tk1 = w[8 + 2 * keep] & 1;
                ulong m0 = 0UL - t0, m1 = 0UL - t1; // all-ones where t = 1
                s0Lo = k0Lo ^ (sCwLo & m0); s0Hi = k0Hi ^ (sCwHi & m0);
                s1Lo = k1Lo ^ (sCwLo & m1); s1Hi = k1Hi ^ (sCwHi & m1);
                t0 = tk0 ^ (t0 & tCwKeep);
                t1 = tk1 ^ (t1 & tCwKeep);
            }

            blocks[0] = FssPrg.Input(s0Lo, s0Hi, 2);
            blocks[1] = FssPrg.Input(s1Lo, s1Hi, 2);
            FssPrg.Expand(blocks[..2], scratch[..2]);
            var leaf = MemoryMarshal.Cast<Vector128<byte>, ulong>(blocks[..2]);
            ulong finalSign = t1 == 0 ? 1UL : ulong.MaxValue;
            for (int c = 0; c < payloadWords; c++)
            {
                // CW^{(n+1)} = (-1)^{t₁}·(Convert(s₁) − Convert(s₀) − V_α)
                cw[domainBits * (2 + payloadWords) + c] = unchecked(finalSign * (leaf[2 + c] - leaf[c] - vAlpha[c]));
            }
        }
        blocks.Clear();
        scratch.Clear();
    }

    /// <summary>
    /// Party side: evaluates keys e = 0..count−1 on public inputs <paramref name="inputs"/> (n-bit), writing m words
    /// per key to <paramref name="output"/>. The two parties' outputs add up to f_{α,β}(input).
    /// </summary>
    public static void Evaluate(
        int partyId, int domainBits, int payloadWords,
        ReadOnlySpan<ulong> roots, ReadOnlySpan<ulong> corrections,
        ReadOnlySpan<ulong> inputs, Span<ulong> output)
    {
        Validate(domainBits, payloadWords);
        int count = inputs.Length;
        int stride = CorrectionWords(domainBits, payloadWords);
        if (roots.Length != 2 * count || corrections.Length != count * stride || output.Length != count * payloadWords)
        {
            throw MpcError.LengthMismatch("DCF evaluation", count, roots.Length / 2);
        }
        int fullGroups = count / HotLanes;
        if (fullGroups > 0)
        {
            EvaluateFullGroups(partyId, domainBits, payloadWords, fullGroups, roots, corrections, inputs, output);
        }
        int done = fullGroups * HotLanes, tail = count - done;
        if (tail == 0)
        {
            return;
        }
        // The last keys (fewer than a group) go through the same path, padded with all-zero dummy keys whose
        // outputs are dropped.
        var paddedRoots = new ulong[2 * HotLanes];
        var paddedCorrections = new ulong[HotLanes * stride];
        var paddedInputs = new ulong[HotLanes];
        var paddedOutput = new ulong[HotLanes * payloadWords];
        roots[(2 * done)..].CopyTo(paddedRoots);
        corrections[(done * stride)..].CopyTo(paddedCorrections);
        inputs[done..].CopyTo(paddedInputs);
        EvaluateFullGroups(partyId, domainBits, payloadWords, 1, paddedRoots, paddedCorrections, paddedInputs, paddedOutput);
        paddedOutput.AsSpan(0, tail * payloadWords).CopyTo(output[(done * payloadWords)..]);
        Array.Clear(paddedRoots);
        Array.Clear(paddedOutput);
    }

    // Keys evaluated together on the hot path. Level i+1's AES input depends on level i's output, so one group's
    // AES latency (10 rounds ≈ 40 cycles) cannot be hidden by its own work: 8 keys give two independent 8-block
    // batches per level, enough to keep both AES units busy.
    private const int HotLanes = 8;

    // The hot path: 8 keys per group, 16 AES blocks per level, seeds and payload sums kept as 128-bit vectors
    // (seed correction, MMO input and the two payload words are all 128-bit operations), no bounds checks.
    private static unsafe void EvaluateFullGroups(
        int partyId, int domainBits, int payloadWords, int groups,
        ReadOnlySpan<ulong> roots, ReadOnlySpan<ulong> corrections, ReadOnlySpan<ulong> inputs, Span<ulong> output)
    {
        const int Lanes = HotLanes;
        int stride = CorrectionWords(domainBits, payloadWords);
        int levelWords = 2 + payloadWords;
        ulong sign = partyId == 0 ? 1UL : ulong.MaxValue;
        bool twoWords = payloadWords == 2;
        var seedMask = Vector128.Create(FssPrg.SeedMask, ulong.MaxValue);
        var payloadMask = twoWords ? Vector128<ulong>.AllBitsSet : Vector128.Create(ulong.MaxValue, 0UL);
        Span<Vector128<byte>> blocks = stackalloc Vector128<byte>[2 * Lanes];
        Vector128<ulong>* seed = stackalloc Vector128<ulong>[Lanes];
        Vector128<ulong>* sum = stackalloc Vector128<ulong>[Lanes];
        ulong* t = stackalloc ulong[Lanes];
        ulong* dir = stackalloc ulong[Lanes];
        fixed (ulong* rootBase = roots, keyBase = corrections, inputBase = inputs, outBase = output)
        fixed (Vector128<byte>* blockBase = blocks)
        {
            var block = (Vector128<ulong>*)blockBase;
            for (int group = 0; group < groups; group++)
            {
                int first = group * Lanes;
                for (int g = 0; g < Lanes; g++)
                {
                    seed[g] = Vector128.Load(rootBase + 2 * (first + g)) & seedMask;
                    sum[g] = Vector128<ulong>.Zero;
                    t[g] = (ulong)partyId;
                }
                ulong* keys = keyBase + (long)first * stride;
                ulong* x = inputBase + first;
                for (int i = 0; i < domainBits; i++)
                {
                    int shift = domainBits - 1 - i;
                    for (int g = 0; g < Lanes; g++)
                    {
                        ulong d = (x[g] >> shift) & 1;
                        dir[g] = d;
                        block[2 * g] = seed[g] | Vector128.CreateScalar(d);            // s | dir
                        block[2 * g + 1] = seed[g] | Vector128.CreateScalar(d + 2);    // s | (2 + dir)
                    }
                    // Two independent 8-block batches: the second runs while the first's latency drains.
                    FssPrg.Expand8(blocks[..8]);
                    FssPrg.Expand8(blocks[8..]);
                    for (int g = 0; g < Lanes; g++)
                    {
                        ulong* level = keys + g * stride + i * levelWords;
                        ulong tg = t[g];
                        var tMask = Vector128.Create(0UL - tg);
                        var child = block[2 * g];
                        var cwSeed = Vector128.Load(level);
                        // V ← V + Convert(v_dir) + t·V_CW   (the party's sign (-1)^b is applied once at the end)
                        sum[g] += block[2 * g + 1] + (Vector128.Load(level + 2) & payloadMask & tMask);
                        // s ← s_dir ⊕ t·s_CW,  t ← t_dir ⊕ t·t_CW,dir
                        seed[g] = (child ^ (cwSeed & tMask)) & seedMask;
                        t[g] = (child.ToScalar() & 1) ^ ((level[0] >> (int)dir[g]) & 1 & tg);
                    }
                }
                for (int g = 0; g < Lanes; g++)
                {
                    block[g] = seed[g] | Vector128.CreateScalar(2UL);
                }
                FssPrg.Expand8(blocks[..8]); // leaves: one block per key
                for (int g = 0; g < Lanes; g++)
                {
                    ulong* final = keys + g * stride + domainBits * levelWords;
                    var mask = Vector128.Create(0UL - t[g]);
                    var finalCw = twoWords ? Vector128.Load(final) : Vector128.CreateScalar(final[0]);
                    var total = (sum[g] + block[g] + (finalCw & mask)) * sign;
                    ulong* o = outBase + (long)(first + g) * payloadWords;
                    o[0] = total.ToScalar();
                    if (twoWords)
                    {
                        o[1] = total.GetElement(1);
                    }
                }
            }
        }
        blocks.Clear();
    }

    private static void Validate(int domainBits, int payloadWords)
    {
        if (domainBits is < 1 or > 64)
        {
            throw MpcError.OutOfRange(nameof(domainBits), "A DCF domain has 1 to 64 bits.");
        }
        if (payloadWords is < 1 or > MaxPayloadWords)
        {
            throw MpcError.OutOfRange(nameof(payloadWords), "A DCF payload has 1 or 2 ring words.");
        }
    }
}
