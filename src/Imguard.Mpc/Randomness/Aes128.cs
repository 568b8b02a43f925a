using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;
using Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace Imguard.Mpc.Randomness;

/// <summary>
/// AES-128 block encryption (FIPS-197) on AES-NI, several blocks in flight to hide the instruction latency.
/// Machines without AES-NI fall back to the platform's AES in ECB mode (correct, slower).
/// Used as the PRF behind <see cref="AesCtrPrg"/> and as the fixed-key permutation behind the FSS PRG.
/// </summary>
internal sealed class Aes128 : IDisposable
{
    private readonly Vector128<byte>[] _roundKeys = new Vector128<byte>[11];
    private readonly Aes? _fallback;

    public Aes128(ReadOnlySpan<byte> key)
    {
        if (key.Length != 16)
        {
            MpcError.ThrowLengthMismatch("AES-128 key", 16, key.Length);
        }
        if (AesNi.IsSupported)
        {
            ExpandKey(Vector128.Create(key), _roundKeys);
        }
        else
        {
            _fallback = System.Security.Cryptography.Aes.Create();
            _fallback.Key = key.ToArray();
        }
    }

    public Aes128(Seed seed) : this(SeedBytes(seed)) { }

    private static byte[] SeedBytes(Seed seed)
    {
        var bytes = new byte[16];
        seed.WriteTo(bytes);
        return bytes;
    }

    public static bool IsHardwareAccelerated => AesNi.IsSupported;

    /// <summary>
    /// Matyas–Meyer–Oseas on exactly 8 blocks in place, block ← AES(block) ⊕ block, fully unrolled so the 8 states
    /// stay in registers (the DCF evaluation's inner loop). Falls back to the generic path without AES-NI.
    /// </summary>
    public void MmoInPlace8(Span<Vector128<byte>> blocks)
    {
        if (_fallback is not null || blocks.Length != 8)
        {
            Span<Vector128<byte>> copy = stackalloc Vector128<byte>[blocks.Length];
            blocks.CopyTo(copy);
            EncryptInPlace(blocks);
            for (int i = 0; i < blocks.Length; i++)
            {
                blocks[i] ^= copy[i];
            }
            return;
        }
        ReadOnlySpan<Vector128<byte>> rk = _roundKeys;
        Vector128<byte> i0 = blocks[0], i1 = blocks[1], i2 = blocks[2], i3 = blocks[3];
        Vector128<byte> i4 = blocks[4], i5 = blocks[5], i6 = blocks[6], i7 = blocks[7];
        var k = rk[0];
        Vector128<byte> b0 = i0 ^ k, b1 = i1 ^ k, b2 = i2 ^ k, b3 = i3 ^ k, b4 = i4 ^ k, b5 = i5 ^ k, b6 = i6 ^ k, b7 = i7 ^ k;
        for (int r = 1; r < 10; r++)
        {
            k = rk[r];
            b0 = AesNi.Encrypt(b0, k); b1 = AesNi.Encrypt(b1, k); b2 = AesNi.Encrypt(b2, k); b3 = AesNi.Encrypt(b3, k);
            b4 = AesNi.Encrypt(b4, k); b5 = AesNi.Encrypt(b5, k); b6 = AesNi.Encrypt(b6, k); b7 = AesNi.Encrypt(b7, k);
        }
        k = rk[10];
        blocks[0] = AesNi.EncryptLast(b0, k) ^ i0; blocks[1] = AesNi.EncryptLast(b1, k) ^ i1;
        blocks[2] = AesNi.EncryptLast(b2, k) ^ i2; blocks[3] = AesNi.EncryptLast(b3, k) ^ i3;
        blocks[4] = AesNi.EncryptLast(b4, k) ^ i4; blocks[5] = AesNi.EncryptLast(b5, k) ^ i5;
        blocks[6] = AesNi.EncryptLast(b6, k) ^ i6; blocks[7] = AesNi.EncryptLast(b7, k) ^ i7;
    }

    /// <summary>Encrypts each 16-byte block of <paramref name="blocks"/> in place.</summary>
    public void EncryptInPlace(Span<Vector128<byte>> blocks)
    {
        if (_fallback is not null)
        {
            Span<byte> bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(blocks);
            _fallback.EncryptEcb(bytes, bytes, PaddingMode.None);
            return;
        }
        ReadOnlySpan<Vector128<byte>> rk = _roundKeys;
        int i = 0;
        for (; i + 8 <= blocks.Length; i += 8)
        {
            Encrypt8(blocks.Slice(i, 8), rk);
        }
        for (; i < blocks.Length; i++)
        {
            blocks[i] = Encrypt(blocks[i], rk);
        }
    }

    /// <summary>Encrypts one block.</summary>
    public Vector128<byte> Encrypt(Vector128<byte> block)
    {
        if (_fallback is not null)
        {
            Span<Vector128<byte>> one = [block];
            EncryptInPlace(one);
            return one[0];
        }
        return Encrypt(block, _roundKeys);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Encrypt(Vector128<byte> b, ReadOnlySpan<Vector128<byte>> rk)
    {
        b ^= rk[0];
        for (int r = 1; r < 10; r++)
        {
            b = AesNi.Encrypt(b, rk[r]);
        }
        return AesNi.EncryptLast(b, rk[10]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Encrypt8(Span<Vector128<byte>> b, ReadOnlySpan<Vector128<byte>> rk)
    {
        var k = rk[0];
        Vector128<byte> b0 = b[0] ^ k, b1 = b[1] ^ k, b2 = b[2] ^ k, b3 = b[3] ^ k;
        Vector128<byte> b4 = b[4] ^ k, b5 = b[5] ^ k, b6 = b[6] ^ k, b7 = b[7] ^ k;
        for (int r = 1; r < 10; r++)
        {
            k = rk[r];
            b0 = AesNi.Encrypt(b0, k); b1 = AesNi.Encrypt(b1, k); b2 = AesNi.Encrypt(b2, k); b3 = AesNi.Encrypt(b3, k);
            b4 = AesNi.Encrypt(b4, k); b5 = AesNi.Encrypt(b5, k); b6 = AesNi.Encrypt(b6, k); b7 = AesNi.Encrypt(b7, k);
        }
        k = rk[10];
        b[0] = AesNi.EncryptLast(b0, k); b[1] = AesNi.EncryptLast(b1, k); b[2] = AesNi.EncryptLast(b2, k); b[3] = AesNi.EncryptLast(b3, k);
        b[4] = AesNi.EncryptLast(b4, k); b[5] = AesNi.EncryptLast(b5, k); b[6] = AesNi.EncryptLast(b6, k); b[7] = AesNi.EncryptLast(b7, k);
    }

    // FIPS-197 §5.2 key expansion with AESKEYGENASSIST; the round constant must be an immediate, hence the unrolling.
    private static void ExpandKey(Vector128<byte> key, Span<Vector128<byte>> rk)
    {
        rk[0] = key;
        rk[1] = Step(rk[0], AesNi.KeygenAssist(rk[0], 0x01));
        rk[2] = Step(rk[1], AesNi.KeygenAssist(rk[1], 0x02));
        rk[3] = Step(rk[2], AesNi.KeygenAssist(rk[2], 0x04));
        rk[4] = Step(rk[3], AesNi.KeygenAssist(rk[3], 0x08));
        rk[5] = Step(rk[4], AesNi.KeygenAssist(rk[4], 0x10));
        rk[6] = Step(rk[5], AesNi.KeygenAssist(rk[5], 0x20));
        rk[7] = Step(rk[6], AesNi.KeygenAssist(rk[6], 0x40));
        rk[8] = Step(rk[7], AesNi.KeygenAssist(rk[7], 0x80));
        rk[9] = Step(rk[8], AesNi.KeygenAssist(rk[8], 0x1B));
        rk[10] = Step(rk[9], AesNi.KeygenAssist(rk[9], 0x36));

        static Vector128<byte> Step(Vector128<byte> previous, Vector128<byte> assist)
        {
            assist = Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte();
            previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
            previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
            previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
            return previous ^ assist;
        }
    }

    public void Dispose()
    {
        Array.Clear(_roundKeys);
        _fallback?.Dispose();
    }
}
