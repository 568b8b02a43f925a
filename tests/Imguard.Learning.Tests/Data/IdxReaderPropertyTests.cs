using System.Buffers.Binary;
using CsCheck;
using Imguard.Learning.Data;

namespace Imguard.Learning.Tests.Data;

/// <summary>
/// IDX files are a user's bytes (issue 14, item 9): random, mutated, truncated and lying files, plain or gzipped, are
/// read or refused with <see cref="InvalidDataException"/>, never another exception, and never allocate much more than
/// the file really holds (a header may claim 2^93 bytes).
/// </summary>
public sealed class IdxReaderPropertyTests
{
    // What a read may allocate beyond twice the bytes the (decompressed) file holds: the reader's first 1 MiB buffer,
    // the gzip and buffered streams' buffers, and the exception.
    private const long Slack = (1 << 20) + (512 << 10);

    private static readonly byte[] ValidImages = IdxFiles.Images(5, 4, 3);
    private static readonly byte[] ValidLabels = IdxFiles.Labels(0, 3, 9, 1, 1);

    [Fact]
    public void Random_bytes_are_refused_cleanly() =>
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            ReadsOrRefuses(bytes, images: true);
            ReadsOrRefuses(bytes, images: false);
        }, iter: 2000);

    [Fact]
    public void A_valid_magic_with_random_dimensions_and_body_is_read_exactly_or_refused() =>
        Gen.Select(Gen.Int, Gen.Int, Gen.Int, Gen.Byte.Array[0, 200], Gen.Bool).Sample((count, rows, columns, body, gzip) =>
        {
            byte[] file = IdxFiles.Build(IdxReader.ImagesMagic, [count, rows, columns], body);
            ReadsOrRefuses(gzip ? IdxFiles.Gzip(file) : file, images: true);
        }, iter: 2000);

    [Fact]
    public void Small_dimensions_that_match_or_almost_match_the_body_are_read_exactly_or_refused() =>
        Gen.Select(Gen.Int[-1, 4], Gen.Int[-1, 4], Gen.Int[-1, 4], Gen.Int[-2, 2]).Sample((count, rows, columns, delta) =>
        {
            int length = Math.Max(0, Math.Max(0, count) * Math.Max(0, rows) * Math.Max(0, columns) + delta);
            byte[] file = IdxFiles.Build(IdxReader.ImagesMagic, [count, rows, columns], new byte[length]);
            ReadsOrRefuses(file, images: true);
            ReadsOrRefuses(IdxFiles.Gzip(file), images: true);
        }, iter: 1000);

    [Fact]
    public void Mutated_and_truncated_files_plain_or_gzipped_are_read_or_refused() =>
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Int[0, int.MaxValue].Array[0, 4], Gen.Byte.Array[1, 4], Gen.Int[0, int.MaxValue])
            .Sample((images, gzipFirst, positions, values, cut) =>
            {
                byte[] valid = images ? ValidImages : ValidLabels;
                // Mutate the plain bytes (then compress: a valid gzip of a lying file) or the compressed bytes.
                byte[] bytes = gzipFirst ? IdxFiles.Gzip(valid) : (byte[])valid.Clone();
                for (int i = 0; i < positions.Length; i++)
                {
                    bytes[positions[i] % bytes.Length] = values[i % values.Length];
                }
                byte[] file = gzipFirst ? bytes : IdxFiles.Gzip(bytes);
                ReadsOrRefuses(file, images);
                ReadsOrRefuses(file[..(cut % (file.Length + 1))], images);
                if (!gzipFirst)
                {
                    ReadsOrRefuses(bytes, images);
                    ReadsOrRefuses(bytes[..(cut % (bytes.Length + 1))], images);
                }
            }, iter: 2000);

    [Fact]
    public void A_header_claiming_two_gigabytes_allocates_no_more_than_the_file_holds()
    {
        foreach (bool gzip in new[] { false, true })
        {
            byte[] file = IdxFiles.Build(IdxReader.ImagesMagic, [int.MaxValue / 4, 2, 2], [1, 2, 3]);
            ReadsOrRefuses(gzip ? IdxFiles.Gzip(file) : file, images: true);
        }
    }

    [Fact]
    public void Dimensions_whose_product_overflows_64_bits_are_refused()
    {
        // 2^21 · 2^21 · 2^22 = 2^64 wraps to 0 in 64 bits: an empty body would "match".
        foreach (int[] dims in new[] { new[] { 1 << 21, 1 << 21, 1 << 22 }, [int.MaxValue, int.MaxValue, int.MaxValue] })
        {
            byte[] file = IdxFiles.Build(IdxReader.ImagesMagic, dims, []);
            Assert.Contains("exceed the largest array", Read(file, images: true).Message, StringComparison.Ordinal);
        }
    }

    // Reads `file` as IdxReader reads a file from disk (gzip detected by magic); either it parses and the result has the
    // shape its header declares, or it is refused with InvalidDataException. Nothing else, and no large allocation.
    private static void ReadsOrRefuses(byte[] file, bool images)
    {
        byte[] plain = Plain(file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = Record.Exception(() =>
        {
            using Stream stream = IdxReader.MaybeGunzip(new MemoryStream(file, writable: false));
            if (images)
            {
                var (count, rows, columns, pixels) = IdxReader.ReadImages(stream, "f");
                Assert.Equal((long)count * rows * columns, pixels.LongLength);
                Assert.True(rows > 0 && columns > 0);
            }
            else
            {
                byte[] labels = IdxReader.ReadLabels(stream, "f");
                Assert.Equal(BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(4)), labels.Length);
            }
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (error is not null && error is not InvalidDataException)
        {
            throw new Xunit.Sdk.XunitException($"{error.GetType().Name}: {error.Message}");
        }
        Assert.True(error is null || error.Message.StartsWith("IDX file 'f'", StringComparison.Ordinal), error?.Message);
        long held = 2L * Math.Max(file.Length, plain.Length);
        Assert.True(allocated <= held + Slack + 4L * file.Length, $"{allocated} bytes allocated reading a {file.Length}-byte file");
    }

    private static InvalidDataException Read(byte[] file, bool images) => Assert.Throws<InvalidDataException>(() =>
    {
        using Stream stream = IdxReader.MaybeGunzip(new MemoryStream(file, writable: false));
        _ = images ? IdxReader.ReadImages(stream, "f").Pixels : IdxReader.ReadLabels(stream, "f");
    });

    // The decompressed bytes of a gzip file (as far as they go), or the file itself.
    private static byte[] Plain(byte[] file)
    {
        if (file.Length < 2 || file[0] != 0x1f || file[1] != 0x8b)
        {
            return file;
        }
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(file), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        try
        {
            gzip.CopyTo(output);
        }
        catch (InvalidDataException)
        {
            // A damaged stream: what came out before the damage.
        }
        return output.ToArray();
    }
}
