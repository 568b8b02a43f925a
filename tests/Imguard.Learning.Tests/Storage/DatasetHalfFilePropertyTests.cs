using CsCheck;
using Imguard.Contracts.Shares;
using Imguard.Learning.Storage;

namespace Imguard.Learning.Tests.Storage;

/// <summary>
/// Property tests of a party reading its stored half (<see cref="DatasetHalfFile.ReadAsync(Stream, ShareFileLimits?, CancellationToken)"/>),
/// the file an owner uploaded: a tensor or seed half of any small shape reads back with its digest, and any byte
/// change, truncation or extension is refused as a <see cref="ShareFileException"/> (or, for a format this library
/// cannot hold, an <see cref="InvalidDataException"/>), never another exception.
/// </summary>
public sealed class DatasetHalfFilePropertyTests
{
    private static readonly Gen<(ShareFileHeader Header, int Seed)> Half =
        from party in Gen.Int[0, 1]
        from seed in Gen.Bool
        from f in Gen.Int[0, 62]
        from shape in Gen.Select(Gen.Int[1, 2], Gen.Int[1, 4], Gen.Int[1, 4], Gen.Int[2, 4])
        from count in Gen.Long[1, 6]
        from chunk in Gen.Int[1, 16]
        from values in Gen.Int
        select (new ShareFileHeader("ds-prop", party, seed && party == 0 ? SharePayloadKind.Seed : SharePayloadKind.Tensor, f,
            shape.Item1, shape.Item2, shape.Item3, shape.Item4, count, chunk * 8), values);

    private static async Task<(byte[] File, HalfDigest Digest, ulong[] Rows)> WriteAsync(ShareFileHeader header, int seed)
    {
        var rng = new Random(seed);
        using var output = new MemoryStream();
        await using var writer = new ShareFileWriter(output, header, leaveOpen: true);
        ulong[] rows = [];
        if (header.PayloadKind == SharePayloadKind.Seed)
        {
            var seedBytes = new byte[ShareFileFormat.SeedSize];
            rng.NextBytes(seedBytes);
            await writer.WriteSeedAsync(seedBytes);
        }
        else
        {
            rows = new ulong[header.TotalScalars];
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = (ulong)rng.NextInt64();
            }
            await writer.WriteAsync(rows);
        }
        var digest = await writer.CompleteAsync();
        return (output.ToArray(), digest, rows);
    }

    /// <summary>Reads as the party does; anything but the two expected exceptions fails the property.</summary>
    private static async Task<DatasetHalf?> ReadAsync(byte[] file)
    {
        try
        {
            return await DatasetHalfFile.ReadAsync(new MemoryStream(file, writable: false));
        }
        catch (ShareFileException)
        {
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Halves_of_any_small_shape_read_back_with_their_digest_or_are_refused_for_a_format_beyond_40_bits()
    {
        await Half.SampleAsync(async h =>
        {
            var (file, digest, rows) = await WriteAsync(h.Header, h.Seed);
            var half = await ReadAsync(file);
            if (h.Header.FractionalBits > 40)
            {
                Assert.Null(half);
                return;
            }
            Assert.NotNull(half);
            Assert.Equal(digest, half.Digest);
            Assert.Equal(h.Header, half.Header);
            Assert.Equal(h.Header.PartyId, half.Dataset.PartyId);
            Assert.Equal((int)h.Header.ExampleCount, half.Dataset.Count);
            if (h.Header.PayloadKind == SharePayloadKind.Tensor)
            {
                int d = h.Header.ImageScalars, c = h.Header.Classes;
                for (int i = 0; i < half.Dataset.Count; i++)
                {
                    Assert.Equal(rows.AsSpan(i * (d + c), d).ToArray(), half.Dataset.Images.Span.Slice(i * d, d).ToArray());
                    Assert.Equal(rows.AsSpan(i * (d + c) + d, c).ToArray(), half.Dataset.Labels.Span.Slice(i * c, c).ToArray());
                }
            }
        }, iter: 200);
    }

    [Fact]
    public async Task Any_byte_change_truncation_or_extension_of_a_half_is_refused()
    {
        await Gen.Select(Half, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255], Gen.Int[0, 2]).SampleAsync(async (h, position, xor, how) =>
        {
            var (file, _, _) = await WriteAsync(h.Header, h.Seed);
            int at = position % file.Length;
            byte[] damaged = how switch
            {
                0 => file[..at],
                1 => [.. file, xor],
                _ => Changed(file, at, xor),
            };
            Assert.Null(await ReadAsync(damaged));
        }, iter: 500);
    }

    private static byte[] Changed(byte[] file, int at, byte xor)
    {
        var copy = (byte[])file.Clone();
        copy[at] ^= xor;
        return copy;
    }
}
