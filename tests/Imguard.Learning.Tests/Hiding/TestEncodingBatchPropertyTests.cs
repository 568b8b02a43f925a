using System.Buffers.Binary;
using CsCheck;
using Imguard.Learning.Hiding;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>
/// Property tests of a test-encoding batch as a party parses it from the dealer (<see cref="TestEncodingBatch"/>,
/// "IMTEBAT1"): a batch round-trips and its encoder wipes the secret message; random bytes, any byte change or
/// truncation and any hostile header are refused with an <see cref="InvalidDataException"/> without an allocation the
/// header's counts imply.
/// </summary>
public sealed class TestEncodingBatchPropertyTests
{
    private static byte[] Changed(byte[] bytes, int at, byte xor)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= xor;
        return copy;
    }

    private static readonly Gen<int> HostileInt = Gen.Frequency(
        (3, Gen.Int[-2, 70]), (1, Gen.OneOf(int.MinValue, int.MaxValue, 1 << 28, 1 << 30, 65, 3)), (1, Gen.Int));

    private static readonly Gen<(TestEncodingBatch Batch, int Encoding, int Index, int K, int TableRows)> Batch =
        from encoding in Gen.Int[0, 63]
        from index in Gen.Int[0, 1000]
        from k in Gen.Int[1, 6]
        from groups in Gen.Int[1, 8]
        from tableRows in Gen.Int[1, 100]
        from rows in Gen.Int[0, tableRows - 1].Array[groups * k]
        from message in Gen.ULong.Array[0, 30]
        select (new TestEncodingBatch(rows, message), encoding, index, k, tableRows);

    private static TestEncodingBatch? DecodeBatch(byte[] bytes, int encoding, int index, int k, int tableRows)
    {
        try
        {
            return TestEncodingBatch.Decode(bytes, encoding, index, k, tableRows);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    [Fact]
    public void Test_encoding_batches_round_trip_and_the_encoder_wipes_the_message()
    {
        Batch.Sample(b =>
        {
            ulong[] message = (ulong[])b.Batch.Message.Clone();
            byte[] bytes = b.Batch.Encode(b.Encoding, b.Index, b.K);
            Assert.All(b.Batch.Message, w => Assert.Equal(0UL, w));
            var again = DecodeBatch(bytes, b.Encoding, b.Index, b.K, b.TableRows);
            Assert.NotNull(again);
            Assert.Equal(b.Batch.TableRows, again.TableRows);
            Assert.Equal(message, again.Message);
        }, iter: 500);
    }

    [Fact]
    public void Random_bytes_changes_truncations_and_hostile_headers_of_a_batch_are_refused_without_a_huge_allocation()
    {
        Gen.Select(Batch, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255], Gen.Int[0, 4], HostileInt).Sample((b, position, xor, how, value) =>
        {
            byte[] bytes = b.Batch.Encode(b.Encoding, b.Index, b.K);
            int at = position % bytes.Length;
            byte[] damaged = how switch
            {
                0 => bytes[..at],
                1 => [.. bytes, xor],
                2 => [.. "IMTEBAT1"u8, .. bytes[8..Math.Max(8, at)]],
                3 => Changed(bytes, at, xor),
                _ => Field(bytes, 8 + 4 * (position % 5), value),
            };
            long before = GC.GetAllocatedBytesForCurrentThread();
            var decoded = DecodeBatch(damaged, b.Encoding, b.Index, b.K, b.TableRows);
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4L * damaged.Length + 16 * 1024);
            if (decoded is not null)
            {
                Assert.Equal(0, decoded.TableRows.Length % b.K);
                Assert.All(decoded.TableRows, r => Assert.InRange(r, 0, b.TableRows - 1));
            }
        }, iter: 2000, threads: 1);
    }

    private static byte[] Field(byte[] bytes, int offset, int value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }
}
