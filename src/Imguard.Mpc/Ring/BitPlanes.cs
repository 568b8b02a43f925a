namespace Imguard.Mpc.Ring;

/// <summary>
/// Bit-sliced layout for binary (XOR-shared) circuits: n elements' bit j live in "plane" j, a run of
/// <see cref="Words"/>(n) words where bit t of word w is element 64w + t. One word operation then acts on 64 elements,
/// which is what makes a comparison circuit of a few dozen AND gates per element cheap. Bits of the last word past n
/// are padding: they carry whatever the computation makes of them and are never read back as elements.
/// </summary>
public static class BitPlanes
{
    /// <summary>Words per plane for <paramref name="elements"/> elements: ⌈n / 64⌉.</summary>
    public static int Words(int elements) => (elements + 63) >> 6;

    /// <summary>
    /// Writes bits <paramref name="firstBit"/> … <paramref name="firstBit"/> + <paramref name="bitCount"/> − 1 of each
    /// value as planes 0 … bitCount − 1 of <paramref name="planes"/> (bitCount × Words(n) words; padding bits are 0).
    /// Cost: one 64×64 bit transpose per 64 elements.
    /// </summary>
    public static void Pack(ReadOnlySpan<ulong> values, int firstBit, int bitCount, Span<ulong> planes)
    {
        if (firstBit is < 0 or > 63 || bitCount < 0 || firstBit + bitCount > 64)
        {
            throw MpcError.OutOfRange(nameof(bitCount), "Bit planes cover bits 0 to 63 of a word.");
        }
        int n = values.Length, words = Words(n);
        if (planes.Length != bitCount * words)
        {
            MpcError.ThrowLengthMismatch("bit planes", (long)bitCount * words, planes.Length);
        }
        Span<ulong> block = stackalloc ulong[64];
        for (int w = 0; w < words; w++)
        {
            int start = w << 6, count = Math.Min(64, n - start);
            for (int t = 0; t < count; t++)
            {
                block[t] = values[start + t] >> firstBit;
            }
            block[count..].Clear();
            Transpose64(block);
            for (int j = 0; j < bitCount; j++)
            {
                planes[j * words + w] = block[j];
            }
        }
    }

    /// <summary>Bit i of a plane (element i), as 0 or 1.</summary>
    public static ulong Bit(ReadOnlySpan<ulong> plane, int element) => (plane[element >> 6] >> (element & 63)) & 1;

    /// <summary>
    /// Transposes a 64×64 bit matrix in place: afterwards bit j of row t is what bit t of row j was. Recursive block
    /// swap (Hacker's Delight §7-3): at block size s, rows k and k + s exchange the columns that differ in bit s.
    /// </summary>
    public static void Transpose64(Span<ulong> rows)
    {
        if (rows.Length != 64)
        {
            MpcError.ThrowLengthMismatch("a 64×64 bit matrix", 64, rows.Length);
        }
        ulong mask = 0x00000000FFFFFFFFUL;
        for (int s = 32; s != 0; s >>= 1, mask ^= mask << s)
        {
            for (int k = 0; k < 64; k = ((k | s) + 1) & ~s)
            {
                ulong t = ((rows[k] >> s) ^ rows[k | s]) & mask;
                rows[k] ^= t << s;
                rows[k | s] ^= t;
            }
        }
    }
}
