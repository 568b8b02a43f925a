using System.Buffers.Binary;
using System.Security.Cryptography;
using CsCheck;
using Imguard.Learning.Tests.Data;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Tests.Training;

/// <summary>
/// Property tests of the evaluation share reader and of combining two halves: what the owner does with the files both
/// parties serve. Anyone serving a half can make its SHA-256 match, so whatever the bytes, a file reads back exactly or
/// is refused with an <see cref="InvalidDataException"/>, and two halves that do not belong together are refused the same
/// way rather than crashing the owner's command.
/// </summary>
public sealed class EvaluationSharesFilePropertyTests
{
    private static readonly Gen<(int Party, int Bits, int N, int C, int Seed)> Shape =
        Gen.Select(Gen.Int[0, 1], Gen.Int[1, 40], Gen.Int[0, 12], Gen.Int[1, 6], Gen.Int);

    private static EvaluationShares Shares((int Party, int Bits, int N, int C, int Seed) s)
    {
        var rng = new Random(s.Seed);
        var predictions = new RingTensor(s.N, s.C);
        for (int i = 0; i < predictions.Length; i++)
        {
            predictions.Span[i] = (ulong)rng.NextInt64();
        }
        var format = new FixedPointFormat(s.Bits);
        return new EvaluationShares(new SharedTensor(s.Party, predictions, format), new SharedTensor(s.Party, new RingTensor([(ulong)rng.NextInt64()], 1), format));
    }

    /// <summary>The file format written out here independently of the writer: "IMGEVAL1", party, bits, N, C, words, count, SHA-256.</summary>
    private static byte[] Bytes(EvaluationShares shares)
    {
        var predictions = shares.Predictions.Share;
        var file = new byte[24 + 8 * (predictions.Length + 1) + 32];
        "IMGEVAL1"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8), shares.Predictions.PartyId);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(12), shares.Predictions.Format.FractionalBits);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), predictions.Shape[0]);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(20), predictions.Shape[1]);
        for (int i = 0; i < predictions.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(24 + 8 * i), predictions.Span[i]);
        }
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(24 + 8 * predictions.Length), shares.CorrectCount.Share.Span[0]);
        return Rehashed(file);
    }

    private static EvaluationShares? Read(byte[] file)
    {
        try
        {
            return EvaluationSharesFile.Read(new MemoryStream(file, writable: false), "eval");
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static byte[] Rehashed(byte[] file)
    {
        SHA256.HashData(file.AsSpan(0, file.Length - 32), file.AsSpan(file.Length - 32));
        return file;
    }

    [Fact]
    public void The_writer_writes_the_documented_format()
    {
        using var folder = new TempDirectory();
        Shape.Sample(shape =>
        {
            var shares = Shares(shape);
            string path = folder.File($"{Guid.NewGuid():N}.share");
            EvaluationSharesFile.Save(shares, path);
            Assert.Equal(Bytes(shares), File.ReadAllBytes(path));
        }, iter: 20, threads: 1);
    }

    [Fact]
    public void Evaluation_shares_round_trip()
    {
        Shape.Sample(shape =>
        {
            var shares = Shares(shape);
            var again = Read(Bytes(shares));
            Assert.NotNull(again);
            Assert.Equal(shares.Predictions.PartyId, again.Predictions.PartyId);
            Assert.Equal(shares.Predictions.Format, again.Predictions.Format);
            Assert.Equal(shares.Predictions.Share.Shape.ToArray(), again.Predictions.Share.Shape.ToArray());
            Assert.Equal(shares.Predictions.Share.Span.ToArray(), again.Predictions.Share.Span.ToArray());
            Assert.Equal(shares.CorrectCount.Share.Span[0], again.CorrectCount.Share.Span[0]);
        }, iter: 200);
    }

    [Fact]
    public void Random_bytes_and_every_change_truncation_or_extension_are_refused()
    {
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 200]),
            (1, Gen.Byte.Array[0, 200].Select(b => (byte[])[.. "IMGEVAL1"u8, .. b])),
            (3, Gen.Select(Shape, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255], Gen.Int[0, 2]).Select((shape, position, xor, how) =>
            {
                byte[] file = Bytes(Shares(shape));
                int at = position % file.Length;
                if (how == 0)
                {
                    return file[..at];
                }
                if (how == 1)
                {
                    return [.. file, xor];
                }
                file[at] ^= xor;
                return file;
            })))
        .Sample(bytes => Assert.Null(Read(bytes)), iter: 1000);
    }

    private static readonly Gen<int> HostileInt = Gen.Frequency(
        (3, Gen.Int[-2, 50]), (1, Gen.OneOf(int.MinValue, int.MaxValue, 1 << 14, 1 << 16, 1 << 28, 1 << 30)), (1, Gen.Int));

    [Fact]
    public void Any_header_under_a_valid_checksum_is_read_as_declared_or_refused_without_a_huge_allocation()
    {
        Gen.Select(Shape, Gen.Int[0, 3], HostileInt).Sample((shape, field, value) =>
        {
            byte[] file = Bytes(Shares(shape));
            BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8 + 4 * field), value);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var read = Read(Rehashed(file));
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 8L * file.Length + 64 * 1024);
            if (read is not null)
            {
                Assert.Equal(file.Length, 24 + 8 * (read.Predictions.Share.Length + 1) + 32);
            }
        }, iter: 1000, threads: 1);
    }

    [Fact]
    public void Two_halves_that_do_not_belong_together_are_refused_as_invalid_data()
    {
        Gen.Select(Shape, Shape).Sample((a, b) =>
        {
            var half0 = Shares(a with { Party = 0 });
            var half1 = Shares(b with { Party = 1 });
            try
            {
                var result = EvaluationResult.Reconstruct(half0, half1);
                // Random words combine to a one-hot matrix only by accident; if they do, the shapes agreed.
                Assert.Equal((a.N, a.C, a.Bits), (b.N, b.C, b.Bits));
                Assert.Equal(a.N, result.Count);
            }
            catch (InvalidDataException)
            {
            }
        }, iter: 1000);
    }

    // Regression cases the properties above found (named, fixed inputs).

    [Theory]
    [InlineData(3, 2, 16, 4, 2, 16)]
    [InlineData(3, 2, 16, 3, 3, 16)]
    [InlineData(3, 2, 16, 3, 2, 20)]
    public void Halves_of_different_shapes_or_formats_do_not_belong_together(int n0, int c0, int bits0, int n1, int c1, int bits1)
    {
        // Halves of different shapes threw the ring's ArgumentException (a shape mismatch), and halves of different
        // formats were combined, with the count decoded in party 0's format.
        var half0 = Shares((0, bits0, n0, c0, 1));
        var half1 = Shares((1, bits1, n1, c1, 2));
        var e = Assert.Throws<InvalidDataException>(() => EvaluationResult.Reconstruct(half0, half1));
        Assert.Contains("do not belong together", e.Message, StringComparison.Ordinal);
    }
}
