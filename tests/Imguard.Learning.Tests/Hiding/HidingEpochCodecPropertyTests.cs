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
    // Epochs as the dealer's plan makes them (EpochHidingPlan): the order a permutation, slot 0 of row i = i, every other
    // slot column a permutation.
    private static readonly Gen<HidingEpoch> Epoch =
        from epoch in Gen.Int[0, 1000]
        from mode in Gen.OneOf(HidingMode.Off, HidingMode.Mixup, HidingMode.InstaHide)
        from k in Gen.Int[1, 6]
        from n in Gen.Int[1, 40]
        from seed in Gen.Int
        select Planned(epoch, mode, k, n, new Random(seed));

    private static HidingEpoch Planned(int epoch, HidingMode mode, int k, int n, Random random)
    {
        int[] order = Permutation(n, random);
        var partners = new int[n * k];
        for (int j = 0; j < k; j++)
        {
            int[] column = j == 0 ? [.. Enumerable.Range(0, n)] : Permutation(n, random);
            for (int i = 0; i < n; i++)
            {
                partners[i * k + j] = column[i];
            }
        }
        return new HidingEpoch(epoch, mode, k, order, partners);
    }

    private static int[] Permutation(int n, Random random)
    {
        int[] p = [.. Enumerable.Range(0, n)];
        random.Shuffle(p);
        return p;
    }

    private static HidingEpoch? DecodeEpoch(byte[] bytes, int epoch, int count, HidingMode mode, int k)
    {
        try
        {
            return HidingEpochCodec.Decode(bytes, epoch, count, mode, k);
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
            var again = DecodeEpoch(HidingEpochCodec.Encode(epoch), epoch.Epoch, epoch.Count, epoch.Mode, epoch.K);
            Assert.NotNull(again);
            Assert.Equal((epoch.Epoch, epoch.Mode, epoch.K), (again.Epoch, again.Mode, again.K));
            Assert.Equal(epoch.Order, again.Order);
            Assert.Equal(epoch.Partners, again.Partners);
        }, iter: 500);
    }

    [Theory]
    [InlineData(new[] { 0, 0, 2 }, new[] { 0, 1, 2 }, "batch order")]          // a row visited twice, another never
    [InlineData(new[] { 2, 0, 1 }, new[] { 1, 0, 2 }, "slot 0")]               // row 0 mixed without itself
    public void A_plan_that_skips_or_repeats_rows_is_refused(int[] order, int[] partners, string message)
    {
        var bytes = HidingEpochCodec.Encode(new HidingEpoch(0, HidingMode.Off, 1, order, partners));
        var error = Assert.Throws<InvalidDataException>(() => HidingEpochCodec.Decode(bytes, 0, 3, HidingMode.Off, 1));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData(HidingMode.InstaHide, 2, "mode 2")]   // the dealer switches a Mixup job to InstaHide
    [InlineData(HidingMode.Off, 2, "mode 0")]         // …or says there is no hiding at all
    [InlineData(HidingMode.Mixup, 3, "K = 3")]        // …or mixes fewer rows than the job asked for
    public void An_epoch_for_another_mode_or_K_than_the_jobs_is_refused(HidingMode expectedMode, int expectedK, string message)
    {
        var bytes = HidingEpochCodec.Encode(new HidingEpoch(0, HidingMode.Mixup, 2, [0, 1, 2], [0, 1, 1, 2, 2, 0]));
        Assert.NotNull(HidingEpochCodec.Decode(bytes, 0, 3, HidingMode.Mixup, 2));
        var error = Assert.Throws<InvalidDataException>(() => HidingEpochCodec.Decode(bytes, 0, 3, expectedMode, expectedK));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_partner_column_with_a_repeated_row_is_refused()
    {
        // K = 2: slot 1 names row 0 twice and row 2 never.
        var bytes = HidingEpochCodec.Encode(new HidingEpoch(0, HidingMode.Mixup, 2, [0, 1, 2], [0, 0, 1, 0, 2, 1]));
        var error = Assert.Throws<InvalidDataException>(() => HidingEpochCodec.Decode(bytes, 0, 3, HidingMode.Mixup, 2));
        Assert.Contains("partner slot 1", error.Message);
    }

    [Fact]
    public void Random_bytes_changes_truncations_and_extensions_of_an_epoch_are_refused()
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
            // The header is fully checked, and a changed index breaks a permutation or slot 0's identity: nothing passes.
            var decoded = DecodeEpoch(damaged, epoch.Epoch, epoch.Count, epoch.Mode, epoch.K);
            Assert.True(decoded is null, $"accepted a damaged message (how {how}, byte {at})");
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
            var decoded = DecodeEpoch(bytes, epoch.Epoch, epoch.Count, epoch.Mode, epoch.K);
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
