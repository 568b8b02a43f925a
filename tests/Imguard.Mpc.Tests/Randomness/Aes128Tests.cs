using System.Runtime.Intrinsics;
using Imguard.Mpc.Randomness;

namespace Imguard.Mpc.Tests.Randomness;

public sealed class Aes128Tests
{
    [Fact]
    public void Matches_the_FIPS_197_appendix_C1_known_answer()
    {
        using var aes = new Aes128(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"));
        var block = Vector128.Create(Convert.FromHexString("00112233445566778899aabbccddeeff"));
        Assert.Equal("69c4e0d86a7b0430d8cdb78070b4c55a", Convert.ToHexStringLower(ToBytes(aes.Encrypt(block))));
    }

    [Fact]
    public void Batched_encryption_equals_one_block_at_a_time_and_the_platform_AES()
    {
        var key = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");
        using var aes = new Aes128(key);
        using var reference = System.Security.Cryptography.Aes.Create();
        reference.Key = key;
        var rng = new Random(3);
        var blocks = new Vector128<byte>[21];
        var bytes = new byte[16];
        for (int i = 0; i < blocks.Length; i++)
        {
            rng.NextBytes(bytes);
            blocks[i] = Vector128.Create(bytes);
        }
        var expected = blocks.Select(b => aes.Encrypt(b)).ToArray();
        var batch = (Vector128<byte>[])blocks.Clone();
        aes.EncryptInPlace(batch);
        Assert.Equal(expected, batch);
        for (int i = 0; i < blocks.Length; i++)
        {
            var platform = reference.EncryptEcb(ToBytes(blocks[i]), System.Security.Cryptography.PaddingMode.None);
            Assert.Equal(platform, ToBytes(batch[i]));
        }
    }

    private static byte[] ToBytes(Vector128<byte> v)
    {
        var b = new byte[16];
        v.CopyTo(b);
        return b;
    }
}
