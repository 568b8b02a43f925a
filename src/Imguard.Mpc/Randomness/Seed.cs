using System.Security.Cryptography;

namespace Imguard.Mpc.Randomness;

/// <summary>A 128-bit PRG seed (an AES-128 key). Drawn only from the operating system's CSPRNG.</summary>
public readonly record struct Seed(ulong Low, ulong High)
{
    public const int SizeInBytes = 16;

    /// <summary>A fresh seed from <see cref="RandomNumberGenerator"/>.</summary>
    public static Seed Random()
    {
        Span<byte> bytes = stackalloc byte[SizeInBytes];
        RandomNumberGenerator.Fill(bytes);
        var seed = FromBytes(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return seed;
    }

    public static Seed FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SizeInBytes)
        {
            MpcError.ThrowLengthMismatch("seed", SizeInBytes, bytes.Length);
        }
        return new Seed(BitConverter.ToUInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..]));
    }

    public void WriteTo(Span<byte> destination)
    {
        BitConverter.TryWriteBytes(destination[..8], Low);
        BitConverter.TryWriteBytes(destination[8..16], High);
    }

    /// <summary>Never print seed material.</summary>
    public override string ToString() => "Seed(…)";
}
