using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

public sealed class BitPlanesTests
{
    [Fact]
    public void Transpose64_moves_bit_j_of_row_t_to_bit_t_of_row_j()
    {
        var rng = new Random(5);
        var rows = new ulong[64];
        for (int i = 0; i < 64; i++)
        {
            rows[i] = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40);
        }
        var original = rows.ToArray();
        BitPlanes.Transpose64(rows);
        for (int t = 0; t < 64; t++)
        {
            for (int j = 0; j < 64; j++)
            {
                Assert.Equal((original[t] >> j) & 1, (rows[j] >> t) & 1);
            }
        }
    }

    [Theory]
    [InlineData(1, 0, 64)]
    [InlineData(63, 0, 32)]
    [InlineData(130, 5, 20)]
    [InlineData(200, 63, 1)]
    [InlineData(0, 0, 8)]
    public void Pack_puts_bit_j_of_element_i_at_plane_j_bit_i_and_zero_padding(int n, int firstBit, int bitCount)
    {
        var rng = new Random(n + firstBit);
        var values = Enumerable.Range(0, n).Select(_ => (ulong)rng.NextInt64() * 3 + 1).ToArray();
        int words = BitPlanes.Words(n);
        var planes = new ulong[bitCount * words];
        BitPlanes.Pack(values, firstBit, bitCount, planes);
        for (int j = 0; j < bitCount; j++)
        {
            var plane = planes.AsSpan(j * words, words);
            for (int i = 0; i < words * 64; i++)
            {
                ulong expected = i < n ? (values[i] >> (firstBit + j)) & 1 : 0;
                Assert.Equal(expected, BitPlanes.Bit(plane, i));
            }
        }
    }

    [Fact]
    public void Pack_refuses_bits_outside_the_word_and_a_wrong_destination()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BitPlanes.Pack(new ulong[3], 60, 5, new ulong[5]));
        Assert.Throws<ArgumentException>(() => BitPlanes.Pack(new ulong[65], 0, 2, new ulong[2]));
    }
}
