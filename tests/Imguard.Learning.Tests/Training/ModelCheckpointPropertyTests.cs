using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;

namespace Imguard.Learning.Tests.Training;

/// <summary>
/// Property tests of the model share reader: files a party reads back to resume and the owner reads after
/// downloading both parties' shares. The checksum is a plain SHA-256, so a hostile party can make any content pass
/// it; whatever the bytes, <see cref="ModelCheckpoint.ReadFrom"/> returns exactly what was written or throws an
/// <see cref="InvalidDataException"/> (what the owner's commands report), without allocating beyond the file's size.
/// </summary>
public sealed class ModelCheckpointPropertyTests
{
    /// <summary>Small models: flatten and one or two linear layers, or a small convolution first.</summary>
    private static readonly Gen<ModelSpec> Spec =
        from input in Gen.Select(Gen.Int[1, 2], Gen.Int[2, 5], Gen.Int[2, 5])
        from classes in Gen.Int[2, 4]
        from hidden in Gen.Int[1, 6].Array[0, 1]
        from conv in Gen.Bool
        select new ModelSpec([input.Item1, input.Item2, input.Item3], classes,
        [
            .. conv ? new LayerSpec[] { new("conv2d", Out: 2, Kernel: 2), new("relu") } : [],
            new("flatten"),
            .. hidden.SelectMany(h => new LayerSpec[] { new("linear", Out: h), new("relu") }),
            new("linear", Out: classes),
        ]);

    private static readonly Gen<ModelCheckpoint> Checkpoint =
        from spec in Spec
        from party in Gen.Int[0, 1]
        from bits in Gen.Int[0, 40]
        from epochs in Gen.Int[0, 1000]
        from seed in Gen.Int
        from velocities in Gen.Bool.Array[16]
        select Make(spec, party, bits, epochs, seed, velocities);

    private static ModelCheckpoint Make(ModelSpec spec, int party, int bits, int epochs, int seed, bool[] withVelocity)
    {
        var rng = new Random(seed);
        RingTensor Random(int[] shape)
        {
            var t = new RingTensor(shape);
            for (int i = 0; i < t.Length; i++)
            {
                t.Span[i] = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 33);
            }
            return t;
        }
        var shapes = ModelBuilder.ParameterShapes(spec);
        return new ModelCheckpoint(party, new FixedPointFormat(bits), epochs, spec,
            [.. shapes.Select(Random)], [.. shapes.Select((s, i) => withVelocity[i % withVelocity.Length] ? Random(s) : null)]);
    }

    private static byte[] Bytes(ModelCheckpoint checkpoint)
    {
        using var stream = new MemoryStream();
        checkpoint.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>Recomputes the trailing SHA-256, as anyone editing a share can.</summary>
    private static byte[] Rehashed(byte[] file)
    {
        SHA256.HashData(file.AsSpan(0, file.Length - 32), file.AsSpan(file.Length - 32));
        return file;
    }

    /// <summary>Reads as the owner and a resuming party do; anything but an InvalidDataException fails the property.</summary>
    private static ModelCheckpoint? Read(byte[] file)
    {
        try
        {
            return ModelCheckpoint.ReadFrom(new MemoryStream(file, writable: false), "share");
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static void AssertSame(ModelCheckpoint expected, ModelCheckpoint actual)
    {
        Assert.Equal((expected.PartyId, expected.Format, expected.EpochsCompleted), (actual.PartyId, actual.Format, actual.EpochsCompleted));
        Assert.Equal(expected.Spec.ToJson(), actual.Spec.ToJson());
        Assert.Equal(expected.Values.Select(v => v.Span.ToArray()), actual.Values.Select(v => v.Span.ToArray()));
        Assert.Equal(expected.Velocities.Select(v => v?.Span.ToArray()), actual.Velocities.Select(v => v?.Span.ToArray()));
    }

    [Fact]
    public void Checkpoints_of_random_models_round_trip()
    {
        Checkpoint.Sample(checkpoint =>
        {
            var again = Read(Bytes(checkpoint));
            Assert.NotNull(again);
            AssertSame(checkpoint, again);
        }, iter: 300);
    }

    [Fact]
    public void Every_byte_change_truncation_or_extension_is_refused_by_the_checksum()
    {
        Gen.Select(Checkpoint, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255], Gen.Int[0, 2], Gen.Byte.Array[1, 40]).Sample((checkpoint, position, xor, how, tail) =>
        {
            byte[] file = Bytes(checkpoint);
            int at = position % file.Length;
            byte[] damaged = how switch
            {
                0 => file[..at],
                1 => [.. file, .. tail],
                _ => Changed(file, at, xor),
            };
            Assert.Null(Read(damaged));
        }, iter: 1000);
    }

    private static byte[] Changed(byte[] file, int at, byte xor)
    {
        var copy = (byte[])file.Clone();
        copy[at] ^= xor;
        return copy;
    }

    /// <summary>An int32 a hostile party might write into a length, count, rank, dimension, flag or header field.</summary>
    private static readonly Gen<int> HostileInt = Gen.Frequency(
        (3, Gen.Int[-2, 70]), (1, Gen.OneOf(int.MinValue, int.MaxValue, 1 << 20, 1 << 28, 1 << 30, 41, 63, 64, 65536)), (1, Gen.Int));

    [Fact]
    public void Any_content_under_a_valid_checksum_is_read_exactly_or_refused_as_invalid_data_without_a_huge_allocation()
    {
        int refused = 0;
        Gen.Select(Checkpoint, Gen.Int[0, int.MaxValue], HostileInt.Array[1, 3]).Sample((checkpoint, position, values) =>
        {
            byte[] file = Bytes(checkpoint);
            // Overwrite int32s anywhere before the checksum (header, spec length, counts, shapes, flags or words).
            for (int i = 0; i < values.Length; i++)
            {
                int at = (position + 997 * i) % (file.Length - 32 - 3);
                BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(at), values[i]);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            var read = Read(Rehashed(file));
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64L * file.Length + 256 * 1024);
            if (read is null)
            {
                Interlocked.Increment(ref refused);
            }
        }, iter: 1000, threads: 1);
        Assert.True(refused > 100, $"only {refused} refused");
    }

    [Fact]
    public void A_hostile_spec_under_a_valid_checksum_is_refused_as_invalid_data()
    {
        var json = Gen.Frequency(
            (2, Gen.String[0, 60]),
            (3, Gen.OneOf(
                "{\"input\":[1,2,2],\"classes\":2,\"layers\":[null]}",
                "{\"input\":[1,2,2],\"classes\":2,\"layers\":[{\"out\":2}]}",
                "{\"input\":[1073741824,35,3],\"classes\":2,\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":2}]}",
                "{\"input\":[1,2,2],\"classes\":2,\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":65536},{\"type\":\"linear\",\"out\":2}]}",
                "{\"input\":[1,2,2],\"classes\":2}",
                "[]", "null", "{}")));
        Gen.Select(Checkpoint, json).Sample((checkpoint, spec) =>
        {
            byte[] file = Bytes(checkpoint);
            int specLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(24));
            byte[] hostile = Encoding.UTF8.GetBytes(spec);
            byte[] edited = [.. file[..24], .. new byte[4], .. hostile, .. file[(28 + specLength)..]];
            BinaryPrimitives.WriteInt32LittleEndian(edited.AsSpan(24), hostile.Length);
            var read = Read(Rehashed(edited));
            if (read is not null)
            {
                // Only a spec with the same parameter shapes can carry the same words.
                Assert.Equal(ModelBuilder.ParameterShapes(checkpoint.Spec), ModelBuilder.ParameterShapes(read.Spec));
            }
        }, iter: 1000);
    }

    // Regression cases the properties above found (named, fixed inputs).

    [Theory]
    [InlineData(-1)]
    [InlineData(41)]
    [InlineData(int.MaxValue)]
    public void A_share_with_an_impossible_number_format_is_invalid_data(int fractionalBits)
    {
        // The fixed-point format's constructor threw ArgumentOutOfRangeException out of ReadFrom, which the owner's
        // commands do not report as a bad file.
        byte[] file = Bytes(Make(new ModelSpec([1, 2, 2], 2, [new("flatten"), new("linear", Out: 2)]), 0, 16, 1, 5, [false]));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), fractionalBits);
        var e = Assert.Throws<InvalidDataException>(() => ModelCheckpoint.ReadFrom(new MemoryStream(Rehashed(file))));
        Assert.Contains("fractional bits", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-5)]
    public void A_share_with_an_impossible_party_or_epoch_count_is_invalid_data(int value)
    {
        byte[] file = Bytes(Make(new ModelSpec([1, 2, 2], 2, [new("flatten"), new("linear", Out: 2)]), 0, 16, 1, 5, [false]));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(value == 2 ? 12 : 20), value);
        Assert.Throws<InvalidDataException>(() => ModelCheckpoint.ReadFrom(new MemoryStream(Rehashed(file))));
    }
}
