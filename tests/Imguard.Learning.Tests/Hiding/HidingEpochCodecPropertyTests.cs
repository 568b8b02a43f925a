using System.Buffers.Binary;
using CsCheck;
using Imguard.Learning.Hiding;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>
/// Property tests of an epoch's public part as a party parses it from the dealer (<see cref="HidingEpochCodec"/>,
/// "IMGHEPO1"): a message round-trips; random bytes, any byte change, truncation or extension and any hostile header
/// are refused with an <see cref="InvalidDataException"/>, and nothing is allocated in proportion to a count the header
/// claims.
/// </summary>
public sealed class HidingEpochCodecPropertyTests
{
    private static readonly Gen<HidingEpoch> Epoch =
        from epoch in Gen.Int[0, 1000]
        from mode in Gen.OneOf(HidingMode.Off, HidingMode.Mixup, HidingMode.InstaHide)
        from k in Gen.Int[1, 6]
        from n in Gen.Int[1, 40]
        from order in Gen.Int[0, n - 1].Array[n]
        from partners in Gen.Int[0, n - 1].Array[n * k]
        select new HidingEpoch(epoch, mode, k, order, partners);

    private static HidingEpoch? DecodeEpoch(byte[] bytes, int epoch, int count)
    {
        try
        {
            return HidingEpochCodec.Decode(bytes, epoch, count);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    [Fact]
    public void Epochs_round_trip()
    {
        Epoch.Sample(epoch =>
        {
            var again = DecodeEpoch(HidingEpochCodec.Encode(epoch), epoch.Epoch, epoch.Count);
            Assert.NotNull(again);
            Assert.Equal((epoch.Epoch, epoch.Mode, epoch.K), (again.Epoch, again.Mode, again.K));
            Assert.Equal(epoch.Order, again.Order);
            Assert.Equal(epoch.Partners, again.Partners);
        }, iter: 500);
    }

    [Fact]
    public void Random_bytes_changes_truncations_and_extensions_of_an_epoch_are_refused_or_only_move_an_index_in_range()
    {
        Gen.Select(Epoch, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255], Gen.Int[0, 3], Gen.Byte.Array[0, 64]).Sample((epoch, position, xor, how, junk) =>
        {
            byte[] bytes = HidingEpochCodec.Encode(epoch);
            int at = position % bytes.Length;
            byte[] damaged = how switch
            {
                0 => bytes[..at],
                1 => [.. bytes, .. junk, xor],
                2 => junk,
                _ => Changed(bytes, at, xor),
            };
            var decoded = DecodeEpoch(damaged, epoch.Epoch, epoch.Count);
            if (decoded is not null)
            {
                // Only a changed index can pass, and only into another index in range: the header is fully checked.
                Assert.True(how == 3 && at >= 24, $"accepted a damaged message (how {how}, byte {at})");
                Assert.All(decoded.Order, i => Assert.InRange(i, 0, epoch.Count - 1));
                Assert.All(decoded.Partners, i => Assert.InRange(i, 0, epoch.Count - 1));
            }
        }, iter: 2000);
    }

    private static byte[] Changed(byte[] bytes, int at, byte xor)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= xor;
        return copy;
    }

    private static readonly Gen<int> HostileInt = Gen.Frequency(
        (3, Gen.Int[-2, 70]), (1, Gen.OneOf(int.MinValue, int.MaxValue, 1 << 28, 1 << 30, 65, 3)), (1, Gen.Int));

    [Fact]
    public void A_hostile_epoch_header_is_refused_before_anything_its_counts_imply_is_allocated()
    {
        Gen.Select(Epoch, Gen.Int[0, 3], HostileInt, Gen.Int[0, 200]).Sample((epoch, field, value, extra) =>
        {
            byte[] bytes = [.. HidingEpochCodec.Encode(epoch), .. new byte[4 * extra]];
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8 + 4 * field), value);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var decoded = DecodeEpoch(bytes, epoch.Epoch, epoch.Count);
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4L * bytes.Length + 16 * 1024);
            if (decoded is not null)
            {
                Assert.Equal(epoch.Epoch, decoded.Epoch);
                Assert.Equal(epoch.Count, decoded.Count);
                Assert.True(Enum.IsDefined(decoded.Mode));
            }
        }, iter: 2000, threads: 1);
    }
}
